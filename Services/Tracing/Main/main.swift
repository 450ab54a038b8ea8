import FangyiService
import FangyiTracing

await runServiceMain("fangyi-tracing") { try await TracingMain.run() }
