import CoreMetrics
public import Prometheus

/// Connects swift-metrics to one process-wide Prometheus registry.
///
/// Call ``bootstrap()`` early in `main`, before creating anything that makes
/// metrics (a metric made earlier goes to swift-metrics' no-op factory and is
/// lost). `/metrics` renders ``registry``.
///
/// swift-metrics allows bootstrapping only once per process, so this type
/// must be the only place that calls `MetricsSystem.bootstrap`; tests that
/// need to inspect metrics read ``registry`` rather than installing their
/// own factory.
///
/// Concurrency: thread-safe. ``bootstrap()`` is idempotent and may be called
/// any number of times from any thread (static `let` initialisation runs
/// exactly once under the runtime's lock).
public enum MetricsSystemBootstrap {
    /// The registry all Fangyi metrics are recorded in.
    public static let registry = PrometheusCollectorRegistry()

    private static let bootstrapped: Bool = {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: MetricsSystemBootstrap.registry))
        return true
    }()

    /// Installs the Prometheus factory as the process's metrics backend, once.
    ///
    /// - Returns: ``registry``, for convenience.
    @discardableResult
    public static func bootstrap() -> PrometheusCollectorRegistry {
        _ = self.bootstrapped
        return self.registry
    }

    /// The current metrics in Prometheus text exposition format (version 0.0.4).
    public static func exposition() -> String {
        self.registry.emitToString()
    }
}
