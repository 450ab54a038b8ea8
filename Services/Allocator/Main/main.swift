import FangyiAllocator
import FangyiService

await runServiceMain("fangyi-allocator") { try await AllocatorMain.run() }
