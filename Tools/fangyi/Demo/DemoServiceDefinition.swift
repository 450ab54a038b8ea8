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
    static let all: [DemoServiceDefinition] = [
        DemoServiceDefinition(name: "intake", executable: "fangyi-intake", httpPort: 8081),
        DemoServiceDefinition(name: "tracing", executable: "fangyi-tracing", httpPort: 8082),
        DemoServiceDefinition(name: "allocator", executable: "fangyi-allocator", httpPort: 8083),
        DemoServiceDefinition(name: "notifier", executable: "fangyi-notifier", httpPort: 8084),
    ]
}
