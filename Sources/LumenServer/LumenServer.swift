import Hummingbird
import Logging
import LumenEngine
import LumenQuery
import NIOCore
import ServiceLifecycle
import UnixSignals

/// `lumen serve`: opens the store (replaying its log), then runs the OTLP/HTTP receiver and the query API until
/// SIGTERM or SIGINT, when in-flight requests finish and the log is synced before exit.
public struct LumenServer: Sendable {
    public enum Listener: String, Sendable {
        case otlpHTTP = "OTLP/HTTP"
        case api = "query API"
    }

    public let configuration: ServerConfiguration
    public let logger: Logger

    public init(configuration: ServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until a shutdown signal or `shutdown.trigger()`. `onListening` learns each bound address, which is
    /// how tests find ports chosen with port 0.
    public func run(
        gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint],
        shutdown: ServerShutdown = ServerShutdown(),
        onListening: @escaping @Sendable (Listener, SocketAddress) -> Void = { _, _ in }
    ) async throws {
        let storage = try Storage(directory: configuration.dataDirectory, logger: logger)
        let engine = QueryEngine(head: storage.head)

        let otlpRouter = Router()
        OTLPHTTPRoutes(storage: storage, maxBodyBytes: configuration.maxBodyBytes, logger: logger)
            .register(on: otlpRouter)

        let apiRouter = Router()
        AdminRoutes(storage: storage).register(on: apiRouter)
        NativeQueryRoutes(engine: engine, maxLimit: configuration.maxQueryLimit).register(on: apiRouter)
        PrometheusRoutes(engine: engine).register(on: apiRouter)

        var quietLogger = logger
        quietLogger.logLevel = max(logger.logLevel, .warning)  // Hummingbird logs every request at info.
        let otlp = Application(
            router: otlpRouter,
            configuration: .init(address: .hostname(configuration.otlpHTTP.host, port: configuration.otlpHTTP.port),
                serverName: "lumen"),
            onServerRunning: { channel in
                if let address = channel.localAddress { onListening(.otlpHTTP, address) }
            },
            logger: quietLogger)
        let api = Application(
            router: apiRouter,
            configuration: .init(address: .hostname(configuration.api.host, port: configuration.api.port),
                serverName: "lumen"),
            onServerRunning: { channel in
                if let address = channel.localAddress { onListening(.api, address) }
            },
            logger: quietLogger)

        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: otlp), .init(service: api)],
                gracefulShutdownSignals: gracefulShutdownSignals,
                logger: quietLogger))
        do {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                tasks.addTask { await shutdown.attach(group) }
                try await tasks.waitForAll()
            }
        } catch {
            try? storage.close()
            throw error
        }
        try storage.close()
        logger.info("stopped; the write-ahead log is synced")
    }
}
