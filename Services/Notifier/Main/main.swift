import FangyiNotifier
import FangyiService

await runServiceMain("fangyi-notifier") { try await NotifierMain.run() }
