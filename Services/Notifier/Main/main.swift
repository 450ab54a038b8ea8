import FangyiNotifier

try await NotifierMain.run()
