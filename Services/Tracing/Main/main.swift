import FangyiTracing

try await TracingMain.run()
