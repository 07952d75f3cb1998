import Hummingbird
import Logging
import LumenCluster
import LumenEngine
import LumenQuery
import LumenRules
import NIOCore
import NIOPosix
import ServiceLifecycle
import UnixSignals

/// `lumen serve`: opens the store (replaying its log), then runs the OTLP/HTTP receiver and the query API until
/// SIGTERM or SIGINT, when in-flight requests finish and the log is synced before exit.
public struct LumenServer: Sendable {
    public enum Listener: String, Sendable, CaseIterable {
        case otlpHTTP = "OTLP/HTTP"
        case api = "query API"
        case statsd = "StatsD/UDP"
        case syslogUDP = "syslog/UDP"
        case syslogTCP = "syslog/TCP"
        case otlpGRPC = "OTLP/gRPC"
    }

    public let configuration: ServerConfiguration
    public let logger: Logger

    public init(configuration: ServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until a shutdown signal or `shutdown.trigger()`. `onListening` learns each bound address, which is
    /// how tests find ports chosen with port 0. `readPeers` adds those nodes to every query's reads (a fan-out
    /// without NATS; in a cluster the query role reads the partitions' owners, `reader`).
    public func run(
        gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint],
        shutdown: ServerShutdown = ServerShutdown(),
        plugins: [any ListenerPlugin] = [],
        readPeers: (any ReadPeers)? = nil,
        onListening: @escaping @Sendable (Listener, SocketAddress) -> Void = { _, _ in }
    ) async throws {
        // Before the store opens: a certificate or key that cannot be used stops the start, naming its file.
        let tls = try configuration.tls.map(TLSContexts.init(files:))
        if let tls { logger.info("TLS on every TCP listener", metadata: tls.certificateMetadata) }
        let telemetry = SelfTelemetry()
        let storage = try Storage(
            directory: configuration.dataDirectory, options: configuration.storage, logger: logger
        ) { records, duration in
            telemetry.walCommit(records: records, duration: duration)
        }
        let gate = AdmissionGate(
            maxInFlightBytes: configuration.maxInFlightBytes, memoryCeiling: configuration.memoryCeilingBytes,
            heads: { storage.headBytes })
        let cluster: ClusterNode?
        do {
            try ListenerPreflight.check(configuration)
            cluster = try await Self.joinCluster(
                configuration, storage: storage, gate: gate, telemetry: telemetry, logger: logger)
        } catch {
            try? storage.close()
            throw error
        }
        let connections = Self.connectionBudget(configuration, telemetry: telemetry, logger: logger)
        let barrier = cluster.map { ReadBarrier(node: $0) }
        var queryLimits = configuration.queryLimits
        if queryLimits.samplePool == nil {  // queries' share of the memory ceiling
            queryLimits.samplePool = QuerySamplePool(bytes: configuration.memoryCeilingBytes / 4)
        }
        let engine = QueryEngine(
            store: Self.reader(
                storage: storage, cluster: cluster, barrier: barrier, peers: readPeers, configuration: configuration,
                logger: logger),
            limits: queryLimits)
        let queries = QueryExecutor(threads: System.coreCount, maxConcurrent: configuration.maxConcurrentQueries)
        let generator = MetricsGenerator()
        let ingestor = Ingestor(
            storage: storage, limits: configuration.limits, gate: gate, telemetry: telemetry, generator: generator,
            publisher: cluster?.publisher, clientRefusal: Self.clientRefusal(cluster))
        let tenants = TenantResolver(tokens: configuration.tokens, adminToken: configuration.adminToken)

        let otlpRouter = Router(context: IngestRequestContext.self)
        otlpRouter.add(middleware: RequestMetricsMiddleware(listener: "otlp_http", telemetry: telemetry))
        otlpRouter.add(middleware: TenantMiddleware(tenants: tenants))
        let httpIngest = HTTPIngest(ingestor: ingestor, limits: configuration.limits)
        OTLPHTTPRoutes(ingest: httpIngest).register(on: otlpRouter)
        PushRoutes(ingest: httpIngest).register(on: otlpRouter)

        let apiRouter = Router()
        apiRouter.add(middleware: RequestMetricsMiddleware(listener: "api", telemetry: telemetry))
        apiRouter.add(middleware: ReadScopeMiddleware())
        let internalReads = InternalReadRoutes(
            store: Self.ownData(storage, cluster: cluster), tenants: tenants, barrier: barrier, maxTimeout: configuration.queryLimits.timeout,
            maxConcurrent: configuration.maxConcurrentQueries)
        internalReads.register(on: apiRouter)
        AdminRoutes(
            storage: storage, telemetry: telemetry, gate: gate, connections: connections, tenants: tenants,
            cluster: cluster
        ).register(on: apiRouter)
        ClusterRoutes(node: cluster, tenants: tenants).register(on: apiRouter)
        NativeQueryRoutes(engine: engine, tenants: tenants, maxLimit: configuration.maxQueryLimit, queries: queries)
            .register(on: apiRouter)
        PrometheusRoutes(
            engine: engine, tenants: tenants, metadata: ingestor.metadata, retention: configuration.storage.retention,
            queries: queries
        ).register(on: apiRouter)
        LokiRoutes(engine: engine, tenants: tenants, queries: queries, maxLimit: configuration.maxQueryLimit)
            .register(on: apiRouter)
        let tails = LokiTails(
            engine: engine, tenants: tenants, queries: queries,
            limiter: LokiTailLimiter(perTenant: 10, total: 100, factory: telemetry.factory),
            maxLimit: configuration.maxQueryLimit)
        tails.register(on: apiRouter)
        TempoRoutes(engine: engine, tenants: tenants, queries: queries, maxLimit: configuration.maxQueryLimit)
            .register(on: apiRouter)
        JaegerRoutes(engine: engine, tenants: tenants, queries: queries, maxLimit: configuration.maxQueryLimit)
            .register(on: apiRouter)

        // Recording and alerting rules (issue 21), on an executor of their own: an evaluation never takes a thread
        // from ingest or API queries. A rule file that does not load stops the start with its file and line.
        let ruleQueries = QueryExecutor(threads: 1, maxConcurrent: 2)
        let rules: TenantRules
        do {
            rules = TenantRules(managers: try RuleSource.byTenant(
                configuration.rules, defaultTenant: configuration.rulesTenant
            ).map { tenant, patterns in
                let environment = RuleEnvironment.server(
                    tenant: tenant, engine: engine, storage: storage, executor: ruleQueries, ingestor: ingestor,
                    configuration: configuration)
                return (tenant, try RuleManager(
                    patterns: patterns, environment: environment, logger: logger, gate: Self.ruleGate(cluster)))
            })
        } catch {
            await cluster?.shutdown()
            try? storage.close()
            throw error
        }
        RuleRoutes(rules: rules, tenants: tenants).register(on: apiRouter)

        var quietLogger = logger
        quietLogger.logLevel = max(logger.logLevel, .warning)  // Hummingbird logs every request at info.
        let idleTimeout = TimeAmount.nanoseconds(configuration.connections.idleTimeout.nanoseconds)
        let requestTimeout = TimeAmount.nanoseconds(configuration.connections.requestTimeout.nanoseconds)
        let otlp = Application(
            router: otlpRouter,
            server: .http1(
                budget: connections, listener: .otlpHTTP, idleTimeout: idleTimeout, requestTimeout: requestTimeout,
                onEventLoops: true, tls: tls),
            configuration: .init(address: .hostname(configuration.otlpHTTP.host, port: configuration.otlpHTTP.port),
                serverName: "lumen"),
            onServerRunning: { channel in
                if let address = channel.localAddress { onListening(.otlpHTTP, address) }
            },
            logger: quietLogger)
        let apiLoops = try await QueryPriority.eventLoops(threads: System.coreCount)
        let api = Application(
            router: apiRouter,
            server: .http1WebSocket(
                budget: connections, listener: .api, idleTimeout: idleTimeout, requestTimeout: requestTimeout,
                tls: tls, shouldUpgrade: tails.shouldUpgrade),
            configuration: .init(address: .hostname(configuration.api.host, port: configuration.api.port),
                serverName: "lumen"),
            onServerRunning: { channel in
                if let address = channel.localAddress { onListening(.api, address) }
            },
            eventLoopGroupProvider: .shared(apiLoops),
            logger: quietLogger)

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: otlp), .init(service: api),
            .init(service: StorageMaintenance(
                storage: storage, interval: .seconds(configuration.maintenanceSeconds), logger: logger,
                mayMerge: { gate.mayMerge })),
            .init(service: MemoryPressureRelief(storage: storage, gate: gate, telemetry: telemetry, logger: logger)),
            .init(service: MetricsGeneratorService(
                generator: generator, ingestor: ingestor, interval: .seconds(15), logger: logger)),
        ]
        if let address = configuration.statsd {
            services.append(.init(service: StatsDListener(
                address: address, tenant: configuration.listenerTenant,
                flushInterval: .seconds(configuration.statsdFlushSeconds), ingestor: ingestor, telemetry: telemetry,
                logger: logger, onListening: { onListening(.statsd, $0) })))
        }
        if let address = configuration.syslog {
            services.append(.init(service: SyslogListener(
                address: address, tenant: configuration.listenerTenant, ingestor: ingestor, telemetry: telemetry,
                connections: connections, tls: tls, logger: logger,
                onListening: { onListening($0 == "udp" ? .syslogUDP : .syslogTCP, $1) })))
        }
        services.append(.init(service: SelfMetricsRecorder(
            storage: storage, interval: .seconds(configuration.selfMetricsSeconds), node: configuration.cluster?.node,
            exposition: { telemetry.exposition(storage: storage, gate: gate, connections: connections) },
            logger: logger)))
        // Alerts go to every configured Alertmanager; the rule engine hands them over with `alertNotifier`.
        var notifierOptions = AlertmanagerNotifier.Options(alertmanagers: configuration.alertmanagers)
        notifierOptions.externalLabels = configuration.externalLabels
        let notifier = configuration.alertmanagers.isEmpty ? nil : try AlertmanagerNotifier(
            options: notifierOptions, metrics: telemetry.factory, logger: logger)
        if let notifier { services.append(.init(service: notifier)) }
        let alertNotifier: AlertNotifier = { alerts in notifier?.send(alerts) }
        await rules.setNotifier(alertNotifier)
        services.append(.init(service: RuleService(rules: rules, logger: logger)))
        if let tls { services.append(.init(service: TLSReloadService(contexts: tls, logger: logger))) }
        let context = ListenerContext(
            configuration: configuration, ingestor: ingestor, tenants: tenants, connections: connections, tls: tls,
            logger: logger, onListening: onListening)
        services += plugins.compactMap { $0.makeService(context) }.map { .init(service: $0) }
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: gracefulShutdownSignals,
                logger: quietLogger))
        do {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                tasks.addTask { await shutdown.attach(group) }
                try await tasks.waitForAll()
            }
        } catch {
            await Self.stopQueries(queries, ruleQueries, internalReads, apiLoops)
            await cluster?.shutdown()
            try? storage.close()
            throw error
        }
        await Self.stopQueries(queries, ruleQueries, internalReads, apiLoops)
        await cluster?.shutdown()  // before the store closes: its appliers write to it
        try storage.close()
        logger.info("stopped; the write-ahead log is synced")
    }

    /// Stops what serves queries, once the listeners have stopped.
    private static func stopQueries(
        _ queries: QueryExecutor, _ ruleQueries: QueryExecutor, _ internalReads: InternalReadRoutes,
        _ apiLoops: MultiThreadedEventLoopGroup
    ) async {
        await queries.shutdown()
        await ruleQueries.shutdown()
        await internalReads.shutdown()
        try? await apiLoops.shutdownGracefully()
    }

    /// Raises the open-file limit and sizes each TCP listener's share of it.
    private static func connectionBudget(
        _ configuration: ServerConfiguration, telemetry: SelfTelemetry, logger: Logger
    ) -> ConnectionBudget {
        let descriptors = FileDescriptorLimit.raise()
        let tcpListeners = ListenerPreflight.endpoints(configuration).filter(\.isTCP).count
        let perListener = configuration.connections.maxPerListener
            ?? FileDescriptorLimit.defaultConnectionsPerListener(limit: descriptors, listeners: tcpListeners)
        logger.info("connections", metadata: [
            "perListener": "\(perListener)", "openFileLimit": "\(descriptors)",
        ])
        return ConnectionBudget(limit: perListener, telemetry: telemetry)
    }
}
