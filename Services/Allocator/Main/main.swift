import FangyiAllocator

try await AllocatorMain.run()
