public import Hummingbird
public import Logging
import NIOCore

/// Builds the HTTP side of a service: a router that already has problem+json
/// errors and the health and metrics endpoints, and the Hummingbird
/// `Application` (itself a `Service`) that serves it.
///
/// ```swift
/// let router = ServiceHTTP.makeRouter(health: HealthRoutes(readinessChecks: [database.readinessCheck()]))
/// router.post("/v1/results") { request, context in ... }
/// let app = ServiceHTTP.makeApplication(router: router, configuration: config, serverName: "fangyi-intake", logger: logger)
/// try await ServiceRunner(services: [database, app], logger: logger).run()
/// ```
///
/// Concurrency: stateless factory functions.
public enum ServiceHTTP {
    /// A router with ``ProblemDetailsMiddleware`` installed first and the
    /// ``HealthRoutes`` registered; add the service's routes to it.
    public static func makeRouter<Context: RequestContext>(
        context: Context.Type = BasicRequestContext.self,
        health: HealthRoutes = HealthRoutes()
    ) -> Router<Context> {
        let router = Router(context: context)
        router.add(middleware: ProblemDetailsMiddleware<Context>())
        health.register(on: router)
        return router
    }

    /// The application serving `router` on `host:port`. Run it in a
    /// `ServiceGroup` (see ``ServiceRunner``); it stops accepting connections
    /// on graceful shutdown and finishes the requests in flight.
    ///
    /// - Parameters:
    ///   - idleTimeout: A connection that sends nothing for this long is closed, a request
    ///     half-sent included (slow clients cannot hold connections open). Default 60 s.
    ///   - onServerRunning: Called once the server listens; receives the bound
    ///     port (useful with port 0).
    public static func makeApplication<Context: RequestContext>(
        router: Router<Context>,
        host: String,
        port: Int,
        serverName: String,
        logger: Logger,
        idleTimeout: Duration = .seconds(60),
        onServerRunning: @escaping @Sendable (_ port: Int?) async -> Void = { _ in }
    ) -> Application<RouterResponder<Context>> where Context: InitializableFromSource<ApplicationRequestContextSource> {
        let (seconds, attoseconds) = idleTimeout.components
        let idle = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        return Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: idle)),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: serverName),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port) },
            logger: logger
        )
    }

    /// The application serving `router` on ``ServiceConfiguration/httpHost``
    /// and ``ServiceConfiguration/httpPort``.
    public static func makeApplication<Context: RequestContext>(
        router: Router<Context>,
        configuration: ServiceConfiguration,
        serverName: String,
        logger: Logger,
        idleTimeout: Duration = .seconds(60),
        onServerRunning: @escaping @Sendable (_ port: Int?) async -> Void = { _ in }
    ) -> Application<RouterResponder<Context>> where Context: InitializableFromSource<ApplicationRequestContextSource> {
        self.makeApplication(
            router: router,
            host: configuration.httpHost,
            port: configuration.httpPort,
            serverName: serverName,
            logger: logger,
            idleTimeout: idleTimeout,
            onServerRunning: onServerRunning
        )
    }
}
