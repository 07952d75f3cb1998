import ArgumentParser
import Foundation
import Logging
import LumenCluster
import LumenEngine
import LumenGRPC
import LumenModel
import LumenRules
import LumenServer
import NIOCore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run Lumen: receive telemetry and answer queries.",
        discussion: "Flags win over the --config file, which wins over the defaults. See docs/configuration.md.")

    @Option(help: "A YAML configuration file.")
    var config: String?

    @Flag(name: .customLong("print-config"), help: "Print the effective configuration as YAML and exit.")
    var printConfig = false

    @Option(name: .customLong("otlp-http"), help: "Where to receive OTLP/HTTP, remote write, Loki and Zipkin pushes (host:port; default 0.0.0.0:4318).")
    var otlpHTTP: String?

    @Option(name: .customLong("otlp-grpc"), help: "Where to receive OTLP/gRPC (host:port or off; default 0.0.0.0:4317).")
    var otlpGRPC: String?

    @Option(help: "Where to serve the query API (host:port or http://host:port; default 127.0.0.1:9470).")
    var api: String?

    @Option(help: "StatsD over UDP (host:port or off; default 0.0.0.0:8125).")
    var statsd: String?

    @Option(help: "Syslog over UDP and TCP (host:port or off; default 0.0.0.0:5514).")
    var syslog: String?

    @Option(name: .customLong("statsd-flush-interval"), help: "How long StatsD metrics aggregate before they are written (default 10s).")
    var statsdFlushInterval: String?

    @Option(name: .customLong("data-dir"), help: "Where the store keeps its files (default ./lumen-data).")
    var dataDirectory: String?

    @Option(help: "Delete blocks whose newest data is older than this (default 15d).")
    var retention: String?

    @Option(name: .customLong("ooo-window"), help: "Accept samples up to this far behind a tenant's newest one (default 1h).")
    var oooWindow: String?

    @Option(name: .customLong("future-window"), help: "Refuse samples, log records and spans more than this far ahead of the clock (default 10m).")
    var futureWindow: String?

    @Option(name: .customLong("block-duration"), help: "Cut the head into blocks once its oldest data is this old (default 2h).")
    var blockDuration: String?

    @Option(name: .customLong("query-timeout"), help: "Longest a query may run before it fails (default 2m).")
    var queryTimeout: String?

    @Option(name: .customLong("max-body-size"), help: "Largest request body accepted, after decompression, in MiB (default 20).")
    var maxBodyMiB: Int?

    @Option(name: .customLong("max-connections"), help: "Connections each TCP listener serves at once (default: a share of the open-file limit).")
    var maxConnections: Int?

    @Option(name: .customLong("alertmanager"), help: "An Alertmanager to send alerts to (http://host:9093); repeat for several.")
    var alertmanagers: [String] = []

    @Option(name: .customLong("rules"), help: "Rule files in Prometheus' format, a path or a glob ('rules/*.yaml'), optionally TENANT=-prefixed ('_lumen=Rules/lumen.yaml'); repeat for several.")
    var rules: [String] = []

    @Option(name: .customLong("external-url"), help: "The URL Lumen is reached at, for alerts' generatorURL and $externalURL (default http://<host>:<api port>).")
    var externalURL: String?

    @Option(name: .customLong("external-label"), help: "A label NAME=VALUE added to every alert sent to Alertmanager and shown as $externalLabels; repeat for several.")
    var externalLabels: [String] = []

    @Option(help: "Join a cluster through these NATS servers: nats://host:port[,nats://host:port…] (docs/cluster.md).")
    var cluster: String?

    @Option(help: "This node's name in the cluster, unique and stable across restarts (default: the host name).")
    var node: String?

    @Option(help: "The node's roles in the cluster, comma-separated: collector, storage, query (default all three).")
    var roles: String?

    @Option(help: "Partitions of a new cluster (default 64; a cluster that exists keeps its own).")
    var partitions: Int?

    @Option(name: .customLong("advertise-url"), help: "This node's query API as the other nodes reach it (default http://127.0.0.1:<api port>).")
    var advertiseURL: String?

    @Option(name: .customLong("block-store"), help: "A directory every cluster node shares: owned partitions are flushed there and read from it by every query node (docs/cluster.md).")
    var blockStore: String?

    @Option(name: .customLong("tls-cert"), help: "A PEM certificate (with any intermediates): TLS on every TCP listener — OTLP/HTTP, OTLP/gRPC, the API, syslog/TCP. Reread on SIGHUP.")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(name: .customLong("tls-client-ca"), help: "PEM CA certificates: every client must present a certificate one of them signed.")
    var tlsClientCA: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func effectiveConfiguration() throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        // A file's error names the file, line and key: it is printed as it is, without the flags' usage text.
        if let config { try ConfigurationFile.load(config).apply(to: &configuration) }
        // host:port, or a URL with it (what a client's --api takes), so one address pastes into either.
        func address(_ text: String, _ flag: String) throws -> ListenAddress {
            guard let parsed = ListenAddress(ServerAddress.hostAndPort(text)) else {
                throw ValidationError("--\(flag) must be host:port (or http://host:port), got \"\(text)\"")
            }
            return parsed
        }
        if let otlpHTTP { configuration.otlpHTTP = try address(otlpHTTP, "otlp-http") }
        if let otlpGRPC { configuration.otlpGRPC = otlpGRPC == "off" ? nil : try address(otlpGRPC, "otlp-grpc") }
        if let api { configuration.api = try address(api, "api") }
        if let statsd { configuration.statsd = statsd == "off" ? nil : try address(statsd, "statsd") }
        if let syslog { configuration.syslog = syslog == "off" ? nil : try address(syslog, "syslog") }
        if let dataDirectory { configuration.dataDirectory = dataDirectory }
        if let statsdFlushInterval {
            guard let nanoseconds = DurationText.parse(statsdFlushInterval), nanoseconds >= 1_000_000_000 else {
                throw ValidationError("--statsd-flush-interval takes whole seconds, like 10s")
            }
            configuration.statsdFlushSeconds = Int(nanoseconds / 1_000_000_000)
        }
        func duration(_ text: String?, _ flag: String) throws -> Int64? {
            guard let text else { return nil }
            guard let nanoseconds = DurationText.parse(text), nanoseconds > 0 else {
                throw ValidationError("--\(flag) takes a positive duration like 2h, got \"\(text)\"")
            }
            return nanoseconds
        }
        if let value = try duration(retention, "retention") { configuration.storage.retention = value }
        if let value = try duration(oooWindow, "ooo-window") { configuration.storage.outOfOrderWindow = value }
        if let value = try duration(futureWindow, "future-window") { configuration.storage.futureWindow = value }
        if let value = try duration(blockDuration, "block-duration") { configuration.storage.headMaxAge = value }
        if let value = try duration(queryTimeout, "query-timeout") { configuration.queryLimits.timeout = .nanoseconds(value) }
        if let maxConnections {
            guard maxConnections > 0 else { throw ValidationError("--max-connections must be positive") }
            configuration.connections.maxPerListener = maxConnections
        }
        for url in alertmanagers {
            do {
                _ = try AlertmanagerNotifier.endpoint(url)
            } catch {
                throw ValidationError("--alertmanager: \(error)")
            }
        }
        if !alertmanagers.isEmpty { configuration.alertmanagers = alertmanagers }
        for entry in rules {
            do {
                _ = try RuleSource(entry)
            } catch {
                throw ValidationError("--rules: \(error)")
            }
        }
        if !rules.isEmpty { configuration.rules = rules }
        if let externalURL {
            configuration.externalURL = try ServerConfiguration.checkedExternalURL(externalURL) {
                ValidationError("--external-url: \($0)")
            }
        }
        for label in externalLabels {
            let parts = label.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, RuleNames.isValidLabelName(parts[0]) else {
                throw ValidationError("--external-label must be NAME=VALUE with a valid label name, got \"\(label)\"")
            }
            configuration.externalLabels[parts[0]] = parts[1]
        }
        if let maxBodyMiB {
            guard maxBodyMiB > 0 else { throw ValidationError("--max-body-size must be positive") }
            configuration.maxBodyBytes = maxBodyMiB << 20
        }
        do {
            configuration.tls = try TLSFiles.overriding(
                configuration.tls, certificate: tlsCert, privateKey: tlsKey, clientCA: tlsClientCA)
        } catch {
            throw ValidationError("--tls-cert, --tls-key, --tls-client-ca: \(error)")
        }
        try applyClusterFlags(to: &configuration)
        return configuration
    }

    /// `--cluster` and the flags that refine it, over the file's `cluster:`; the result is checked.
    private func applyClusterFlags(to configuration: inout ServerConfiguration) throws {
        if let cluster {
            let servers = ClusterConfiguration.servers(cluster)
            if configuration.cluster == nil {
                configuration.cluster = ClusterConfiguration(servers: servers, node: ClusterConfiguration.defaultNode)
            }
            configuration.cluster?.servers = servers
        }
        guard var clustered = configuration.cluster else {
            if node != nil || roles != nil || partitions != nil || advertiseURL != nil || blockStore != nil {
                throw ValidationError("--node, --roles, --partitions, --advertise-url and --block-store need --cluster")
            }
            return
        }
        if let node { clustered.node = node }
        if let roles {
            switch ClusterConfiguration.roles(roles) {
            case .success(let parsed): clustered.roles = parsed
            case .failure(let error): throw ValidationError("--roles: \(error)")
            }
        }
        if let partitions { clustered.partitions = partitions }
        if let advertiseURL {
            clustered.advertiseURL = try ServerConfiguration.checkedExternalURL(advertiseURL) {
                ValidationError("--advertise-url: \($0)")
            }
        }
        if let blockStore { clustered.blockStore = blockStore }
        if let problem = clustered.problem { throw ValidationError(problem) }
        configuration.cluster = clustered
    }

    func run() async throws {
        HeapAllocator.configureForServer(cores: ProcessInfo.processInfo.activeProcessorCount)
        let configuration = try effectiveConfiguration()
        if printConfig {
            print(try ConfigurationFile(configuration).yaml(), terminator: "")
            return
        }
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "lumen")
        logger.logLevel = level
        announce("Lumen \(BuildInfo.current.version) — data in \(URL(fileURLWithPath: configuration.dataDirectory).standardized.path)")

        try await LumenServer(configuration: configuration, logger: logger).run(plugins: [OTLPGRPCPlugin()]) {
            listener, address in
            let name = listener.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)
            switch listener {
            case .otlpHTTP:
                announce("\(name) listening on \(address.hostAndPort)  (POST /v1/{traces,metrics,logs}, /api/v1/write, /loki/api/v1/push, /api/v2/spans)")
            case .api:
                announce("\(name) listening on \(address.hostAndPort)  (lumen query, lumen trace; /api/v1/query; /metrics)")
            case .otlpGRPC:
                announce("\(name) listening on \(address.hostAndPort)  (TraceService, MetricsService, LogsService /Export)")
            case .statsd, .syslogUDP, .syslogTCP:
                announce("\(name) listening on \(address.hostAndPort)")
            }
        }
        announce("Lumen stopped cleanly.")
    }
}

/// Prints and flushes at once, so a supervisor or test reading the pipe sees where we listen.
private func announce(_ line: String) {
    print(line)
    fflush(nil)
}

extension SocketAddress {
    var hostAndPort: String {
        let host = ipAddress ?? "?"
        return (host.contains(":") ? "[\(host)]" : host) + ":" + (port.map(String.init) ?? "?")
    }
}
