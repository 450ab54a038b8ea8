import FangyiIntake
import FangyiService

await runServiceMain("fangyi-intake") { try await IntakeMain.run() }
