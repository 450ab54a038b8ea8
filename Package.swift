// swift-tools-version:6.1
import PackageDescription

/// Warnings are errors in CI (CONVENTIONS.md); locally they stay warnings so a
/// half-finished edit still builds.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Fangyi",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "FangyiKafka", targets: ["FangyiKafka"]),
        .library(name: "FangyiEvents", targets: ["FangyiEvents"]),
        .library(name: "FangyiService", targets: ["FangyiService"]),
        .library(name: "FangyiTesting", targets: ["FangyiTesting"]),
        .executable(name: "fangyi", targets: ["fangyi"]),
        .executable(name: "fangyi-intake", targets: ["fangyi-intake"]),
        .executable(name: "fangyi-tracing", targets: ["fangyi-tracing"]),
        .executable(name: "fangyi-allocator", targets: ["fangyi-allocator"]),
        .executable(name: "fangyi-notifier", targets: ["fangyi-notifier"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CRdKafka",
            path: "Shared/CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .target(
            name: "FangyiKafka",
            dependencies: [
                "CRdKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/FangyiKafka",
            swiftSettings: strict
        ),
        .target(
            name: "FangyiEvents",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Shared/FangyiEvents",
            resources: [.copy("Schemas")],
            swiftSettings: strict
        ),
        .target(
            name: "FangyiService",
            dependencies: [
                "FangyiKafka",
                "FangyiEvents",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Shared/FangyiService",
            swiftSettings: strict
        ),
        .target(
            name: "FangyiTesting",
            dependencies: [
                "FangyiKafka",
                "FangyiEvents",
                "FangyiService",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/FangyiTesting",
            swiftSettings: strict
        ),
        .target(
            name: "FangyiSimulation",
            dependencies: ["FangyiEvents"],
            path: "Tools/Simulation",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "fangyi",
            dependencies: [
                "FangyiKafka",
                "FangyiEvents",
                "FangyiService",
                "FangyiSimulation",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tools/fangyi",
            swiftSettings: strict
        ),
        .target(
            name: "FangyiIntake",
            dependencies: [
                "FangyiKafka",
                "FangyiEvents",
                "FangyiService",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Services/Intake",
            exclude: ["Main"],
            resources: [.copy("API/openapi.yaml")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "fangyi-intake",
            dependencies: [
                "FangyiIntake",
                "FangyiService",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Services/Intake/Main",
            swiftSettings: strict
        ),
        .target(
            name: "FangyiTracing",
            dependencies: [
                "FangyiKafka",
                "FangyiEvents",
                "FangyiService",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Services/Tracing",
            exclude: ["Main"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "fangyi-tracing",
            dependencies: ["FangyiTracing"],
            path: "Services/Tracing/Main",
            swiftSettings: strict
        ),
        .target(
            name: "FangyiAllocator",
            dependencies: [
                "FangyiKafka",
                "FangyiEvents",
                "FangyiService",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Services/Allocator",
            exclude: ["Main"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "fangyi-allocator",
            dependencies: ["FangyiAllocator"],
            path: "Services/Allocator/Main",
            swiftSettings: strict
        ),
        .target(
            name: "FangyiNotifier",
            dependencies: [
                "FangyiKafka",
                "FangyiEvents",
                "FangyiService",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Services/Notifier",
            exclude: ["Main"],
            resources: [.copy("Templates/alerts.json")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "fangyi-notifier",
            dependencies: ["FangyiNotifier"],
            path: "Services/Notifier/Main",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "fangyi-intake-bench",
            dependencies: [
                "FangyiIntake",
                "FangyiKafka",
                "FangyiEvents",
                "FangyiService",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Benchmarks/IntakeBench",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "fangyi-tracing-bench",
            dependencies: [
                "FangyiTracing",
                "FangyiKafka",
                "FangyiEvents",
                "FangyiService",
                "FangyiTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Benchmarks/TracingBench",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "fangyi-allocator-bench",
            dependencies: [
                "FangyiAllocator",
                "FangyiKafka",
                "FangyiEvents",
                "FangyiService",
                "FangyiTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Benchmarks/AllocatorBench",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "fangyi-notifier-bench",
            dependencies: [
                "FangyiNotifier",
                "FangyiKafka",
                "FangyiEvents",
                "FangyiService",
                "FangyiTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Benchmarks/NotifierBench",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "fangyi-test-worker",
            dependencies: [
                "FangyiKafka",
                "FangyiEvents",
                "FangyiService",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/Support/TestWorker",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "fangyi-kafka-bench",
            dependencies: [
                "CRdKafka",
                "FangyiKafka",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/KafkaBench",
            swiftSettings: strict
        ),
        .testTarget(
            name: "FangyiKafkaTests",
            dependencies: ["FangyiKafka", "FangyiTesting", .product(name: "MetricsTestKit", package: "swift-metrics")],
            path: "Tests/FangyiKafkaTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "FangyiToolTests",
            dependencies: ["fangyi", "FangyiKafka", "FangyiEvents", "FangyiTesting"],
            path: "Tests/FangyiToolTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "IntakeTests",
            dependencies: [
                "FangyiIntake", "FangyiTesting", "FangyiKafka", "FangyiEvents", "FangyiService",
                "fangyi-intake",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Tests/IntakeTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "TracingTests",
            dependencies: [
                "FangyiTracing", "FangyiTesting", "FangyiKafka", "FangyiEvents", "FangyiService", "fangyi-tracing",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/TracingTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "AllocatorTests",
            dependencies: [
                "FangyiAllocator", "FangyiTesting", "FangyiKafka", "FangyiEvents", "FangyiService", "fangyi-allocator",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Tests/AllocatorTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "NotifierTests",
            dependencies: [
                "FangyiNotifier", "FangyiTesting", "FangyiKafka", "FangyiEvents", "FangyiService", "fangyi-notifier",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Tests/NotifierTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "FangyiTesting", "FangyiService",
                "fangyi", "fangyi-intake", "fangyi-tracing", "fangyi-allocator", "fangyi-notifier",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/EndToEndTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "SimulationTests",
            dependencies: ["FangyiSimulation", "FangyiEvents"],
            path: "Tests/SimulationTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "FangyiEventsTests",
            dependencies: ["FangyiEvents"],
            path: "Tests/FangyiEventsTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "FangyiServiceTests",
            dependencies: [
                "FangyiService", "FangyiTesting", "FangyiKafka", "FangyiEvents",
                "fangyi-test-worker",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Tests/FangyiServiceTests",
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
