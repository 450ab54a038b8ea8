import FangyiIntake

try await IntakeMain.run()
