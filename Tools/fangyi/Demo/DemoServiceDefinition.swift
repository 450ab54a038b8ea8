/// A Fangyi service `fangyi demo` runs when its executable has been built.
///
/// Concurrency: an immutable `Sendable` value.
struct DemoServiceDefinition: Sendable, Hashable {
    /// Short name, used to prefix the service's output: `intake`.
    let name: String
    /// The executable product: `fangyi-intake`.
    let executable: String
    /// The `HTTP_PORT` it gets in the demo.
    let httpPort: Int

    /// Every service, in start order (producers of a topic before its consumers).
    static let all: [DemoServiceDefinition] = all(basePort: 8081)

    /// Every service, on ports `basePort`, `basePort + 1`, ... in start order.
    static func all(basePort: Int) -> [DemoServiceDefinition] {
        [
            DemoServiceDefinition(name: "intake", executable: "fangyi-intake", httpPort: basePort),
            DemoServiceDefinition(name: "tracing", executable: "fangyi-tracing", httpPort: basePort + 1),
            DemoServiceDefinition(name: "allocator", executable: "fangyi-allocator", httpPort: basePort + 2),
            DemoServiceDefinition(name: "notifier", executable: "fangyi-notifier", httpPort: basePort + 3),
        ]
    }
}
