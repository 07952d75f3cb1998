import Foundation
import LumenModel
import LumenQuery
import LumenRules
import Yams

/// The YAML form of `ServerConfiguration` (`lumen serve --config FILE`): every key optional, defaults for the
/// rest; `--print-config` writes the effective configuration back in this form. Documented in
/// `docs/configuration.md`.
public struct ConfigurationFile: Codable, Sendable, Equatable {
    public struct Listen: Codable, Sendable, Equatable {
        public var otlpHTTP: String?
        /// `host:port`, or `off`.
        public var otlpGRPC: String?
        public var api: String?
        /// `host:port`, or `off`.
        public var statsd: String?
        public var syslog: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case otlpHTTP = "otlp_http", otlpGRPC = "otlp_grpc", api, statsd, syslog
        }
    }

    public struct Limits: Codable, Sendable, Equatable {
        public var defaults: IngestLimits?
        public var tenants: [String: IngestLimits]?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case defaults, tenants
        }
    }

    public struct Overload: Codable, Sendable, Equatable {
        public var maxInFlightBytes: Int?
        public var memoryCeilingBytes: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case maxInFlightBytes = "max_in_flight_bytes", memoryCeilingBytes = "memory_ceiling_bytes"
        }
    }

    /// Durations are written like `15d`, `2h`, `30m`.
    public struct Storage: Codable, Sendable, Equatable {
        public var retention: String?
        public var oooWindow: String?
        public var futureWindow: String?
        public var blockDuration: String?
        public var headMaxBytes: Int?
        public var compactionSpan: String?
        public var compactionMinBlocks: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case retention, oooWindow = "ooo_window", futureWindow = "future_window", blockDuration = "block_duration"
            case headMaxBytes = "head_max_bytes", compactionSpan = "compaction_span"
            case compactionMinBlocks = "compaction_min_blocks"
        }
    }

    public struct Query: Codable, Sendable, Equatable {
        /// A duration like `2m`.
        public var timeout: String?
        public var maxSamples: Int?
        public var maxSeries: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case timeout, maxSamples = "max_samples", maxSeries = "max_series"
        }
    }

    /// Each TCP listener's connection budget; durations like `60s`.
    public struct Connections: Codable, Sendable, Equatable {
        public var maxPerListener: Int?
        public var idleTimeout: String?
        public var requestTimeout: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case maxPerListener = "max_per_listener", idleTimeout = "idle_timeout", requestTimeout = "request_timeout"
        }
    }

    public var listen: Listen?
    /// TLS on every TCP listener (`ConfigurationFile+TLS.swift`).
    public var tls: TLS?
    public var connections: Connections?
    public var dataDir: String?
    public var statsdFlushSeconds: Int?
    public var listenerTenant: String?
    /// Bearer token → tenant.
    public var tokens: [String: String]?
    /// The operator's bearer token for the admin endpoints once `tokens` are set.
    public var adminToken: String?
    public var limits: Limits?
    public var overload: Overload?
    public var maxQueryLimit: Int?
    public var storage: Storage?
    public var query: Query?
    /// Joining a cluster (`ConfigurationFile+Cluster.swift`); absent: a single node.
    public var cluster: Cluster?
    /// Base URLs of the Alertmanagers alerts go to.
    public var alertmanagers: [String]?
    /// Rule files (paths or globs, `TENANT=` prefixed or not) and the tenant of those without a prefix.
    public var rules: [String]?
    public var rulesTenant: String?
    /// What alerts carry from this server: its outside URL and labels (`ServerConfiguration.externalURL`).
    public var externalURL: String?
    public var externalLabels: [String: String]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case listen, tls, connections, dataDir = "data_dir", statsdFlushSeconds = "statsd_flush_seconds"
        case listenerTenant = "listener_tenant", tokens, adminToken = "admin_token", limits, overload
        case maxQueryLimit = "max_query_limit", storage, query, cluster
        case alertmanagers
        case rules, rulesTenant = "rules_tenant"
        case externalURL = "external_url", externalLabels = "external_labels"
    }

    public struct Error: Swift.Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads and validates a file; errors name the file and the key or line.
    public static func load(_ path: String) throws -> ConfigurationFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Error(description: "\(path): cannot read the configuration file (\(error.localizedDescription))")
        }
        return try decode(yaml: text, file: path)
    }

    /// Decodes a file's text; `file` names it in errors. A key the configuration doesn't have is an error (with
    /// the nearest known key), never a setting silently left at its default.
    public static func decode(yaml text: String, file: String) throws -> ConfigurationFile {
        do {
            if let root = try Yams.compose(yaml: text) { try ConfigurationSchema.file.check(root, file: file) }
            return try YAMLDecoder().decode(ConfigurationFile.self, from: text)
        } catch let error as Error {
            throw error
        } catch let error as DecodingError {
            throw Error(description: "\(file): \(Self.describe(error))")
        } catch {
            throw Error(description: "\(file): \(error)")
        }
    }

    /// Applies what the file sets on top of `configuration`, validating each value.
    public func apply(to configuration: inout ServerConfiguration) throws {
        if let cluster { configuration.cluster = try cluster.configuration() }
        func address(_ text: String?, _ key: String) throws -> ListenAddress? {
            guard let text else { return nil }
            guard let parsed = ListenAddress(text) else { throw Error(description: "listen.\(key): expected host:port, got \"\(text)\"") }
            return parsed
        }
        func optionalAddress(_ text: String?, _ key: String, _ current: ListenAddress?) throws -> ListenAddress? {
            guard let text else { return current }
            return text == "off" ? nil : try address(text, key)
        }
        if let listen {
            configuration.otlpHTTP = try address(listen.otlpHTTP, "otlp_http") ?? configuration.otlpHTTP
            configuration.otlpGRPC = try optionalAddress(listen.otlpGRPC, "otlp_grpc", configuration.otlpGRPC)
            configuration.api = try address(listen.api, "api") ?? configuration.api
            configuration.statsd = try optionalAddress(listen.statsd, "statsd", configuration.statsd)
            configuration.syslog = try optionalAddress(listen.syslog, "syslog", configuration.syslog)
        }
        if let connections {
            if let count = connections.maxPerListener {
                guard count > 0 else { throw Error(description: "connections.max_per_listener must be positive") }
                configuration.connections.maxPerListener = count
            }
            if let value = try Self.duration(connections.idleTimeout, "connections.idle_timeout") {
                configuration.connections.idleTimeout = .nanoseconds(value)
            }
            if let value = try Self.duration(connections.requestTimeout, "connections.request_timeout") {
                configuration.connections.requestTimeout = .nanoseconds(value)
            }
        }
        if let tls { configuration.tls = try tls.files() }
        if let dataDir { configuration.dataDirectory = dataDir }
        if let statsdFlushSeconds {
            guard statsdFlushSeconds > 0 else { throw Error(description: "statsd_flush_seconds must be positive") }
            configuration.statsdFlushSeconds = statsdFlushSeconds
        }
        if let listenerTenant {
            guard let tenant = Tenant(listenerTenant), tenant != .selfMetrics else {
                throw Error(description: "listener_tenant: \"\(listenerTenant)\" is not a valid tenant ID"
                    + (listenerTenant == Tenant.selfMetrics.id ? " (it holds Lumen's own metrics)" : ""))
            }
            configuration.listenerTenant = tenant
        }
        if let tokens {
            configuration.tokens = try tokens.mapValues { id in
                guard let tenant = Tenant(id) else { throw Error(description: "tokens: \"\(id)\" is not a valid tenant ID") }
                return tenant
            }
        }
        if let adminToken {
            guard !adminToken.isEmpty else { throw Error(description: "admin_token must not be empty") }
            configuration.adminToken = adminToken
        }
        if let limits {
            if let defaults = limits.defaults { configuration.limits.defaults = defaults }
            for (tenant, overrides) in limits.tenants ?? [:] {
                guard Tenant(tenant) != nil else { throw Error(description: "limits.tenants: \"\(tenant)\" is not a valid tenant ID") }
                configuration.limits.overrides[tenant] = overrides
            }
        }
        if let overload {
            if let bytes = overload.maxInFlightBytes { configuration.maxInFlightBytes = bytes }
            if let bytes = overload.memoryCeilingBytes { configuration.memoryCeilingBytes = bytes }
        }
        if let maxQueryLimit { configuration.maxQueryLimit = maxQueryLimit }
        if let alertmanagers {
            for url in alertmanagers {
                do {
                    _ = try AlertmanagerNotifier.endpoint(url)
                } catch {
                    throw Error(description: "alertmanagers: \(error)")
                }
            }
            configuration.alertmanagers = alertmanagers
        }
        if let rules {
            for entry in rules {
                do {
                    _ = try RuleSource(entry)
                } catch {
                    throw Error(description: "rules: \(error)")
                }
            }
            configuration.rules = rules
        }
        if let externalURL {
            configuration.externalURL = try ServerConfiguration.checkedExternalURL(externalURL) { message in
                Error(description: "external_url: \(message)")
            }
        }
        if let externalLabels {
            for name in externalLabels.keys where !RuleNames.isValidLabelName(name) {
                throw Error(description: "external_labels: \"\(name)\" is not a valid label name")
            }
            configuration.externalLabels = externalLabels
        }
        if let rulesTenant {
            guard let tenant = Tenant(rulesTenant) else {
                throw Error(description: "rules_tenant: \"\(rulesTenant)\" is not a valid tenant ID")
            }
            configuration.rulesTenant = tenant
        }
        if let query {
            if let nanoseconds = try Self.duration(query.timeout, "query.timeout") {
                configuration.queryLimits.timeout = .nanoseconds(nanoseconds)
            }
            if let samples = query.maxSamples {
                guard samples > 0 else { throw Error(description: "query.max_samples must be positive") }
                configuration.queryLimits.maxSamples = samples
            }
            if let series = query.maxSeries {
                guard series > 0 else { throw Error(description: "query.max_series must be positive") }
                configuration.queryLimits.maxSeries = series
            }
        }
        if let storage {
            func duration(_ text: String?, _ key: String) throws -> Int64? { try Self.duration(text, "storage." + key) }
            if let value = try duration(storage.retention, "retention") { configuration.storage.retention = value }
            if let value = try duration(storage.oooWindow, "ooo_window") { configuration.storage.outOfOrderWindow = value }
            if let value = try duration(storage.futureWindow, "future_window") { configuration.storage.futureWindow = value }
            if let value = try duration(storage.blockDuration, "block_duration") { configuration.storage.headMaxAge = value }
            if let value = try duration(storage.compactionSpan, "compaction_span") {
                configuration.storage.compactionSpan = value
            }
            if let blocks = storage.compactionMinBlocks {
                guard blocks >= 2 else { throw Error(description: "storage.compaction_min_blocks must be 2 or more") }
                configuration.storage.compactionMinBlocks = blocks
            }
            if let bytes = storage.headMaxBytes {
                guard bytes > 0 else { throw Error(description: "storage.head_max_bytes must be positive") }
                configuration.storage.headMaxBytes = bytes
            }
        }
    }

    /// The whole effective configuration, for `--print-config`.
    public init(_ configuration: ServerConfiguration) {
        listen = Listen(
            otlpHTTP: configuration.otlpHTTP.description, otlpGRPC: configuration.otlpGRPC?.description ?? "off",
            api: configuration.api.description,
            statsd: configuration.statsd?.description ?? "off", syslog: configuration.syslog?.description ?? "off")
        connections = Connections(
            maxPerListener: configuration.connections.maxPerListener,
            idleTimeout: DurationText.format(configuration.connections.idleTimeout.nanoseconds),
            requestTimeout: DurationText.format(configuration.connections.requestTimeout.nanoseconds))
        dataDir = configuration.dataDirectory
        tls = configuration.tls.map(TLS.init)
        cluster = configuration.cluster.map(Cluster.init)
        statsdFlushSeconds = configuration.statsdFlushSeconds
        listenerTenant = configuration.listenerTenant.id
        // Tokens are secrets: print which tenants have one, never the token.
        tokens = configuration.tokens.isEmpty ? nil : Dictionary(
            uniqueKeysWithValues: configuration.tokens.values.map(\.id).sorted().enumerated()
                .map { ("<token \($0.offset + 1)>", $0.element) })
        adminToken = configuration.adminToken.map { _ in "<admin token>" }
        limits = Limits(defaults: configuration.limits.defaults,
            tenants: configuration.limits.overrides.isEmpty ? nil : configuration.limits.overrides)
        overload = Overload(
            maxInFlightBytes: configuration.maxInFlightBytes, memoryCeilingBytes: configuration.memoryCeilingBytes)
        maxQueryLimit = configuration.maxQueryLimit
        alertmanagers = configuration.alertmanagers.isEmpty ? nil : configuration.alertmanagers
        rules = configuration.rules.isEmpty ? nil : configuration.rules
        rulesTenant = configuration.rulesTenant == .anonymous ? nil : configuration.rulesTenant.id
        externalURL = configuration.externalURL
        externalLabels = configuration.externalLabels.isEmpty ? nil : configuration.externalLabels
        query = Query(
            timeout: DurationText.format(configuration.queryLimits.timeout.nanoseconds),
            maxSamples: configuration.queryLimits.maxSamples, maxSeries: configuration.queryLimits.maxSeries)
        storage = Storage(
            retention: DurationText.format(configuration.storage.retention),
            oooWindow: DurationText.format(configuration.storage.outOfOrderWindow),
            futureWindow: DurationText.format(configuration.storage.futureWindow),
            blockDuration: DurationText.format(configuration.storage.headMaxAge),
            headMaxBytes: configuration.storage.headMaxBytes,
            compactionSpan: DurationText.format(configuration.storage.compactionSpan),
            compactionMinBlocks: configuration.storage.compactionMinBlocks)
    }

    /// A positive duration like `2h` or `60s` at `key`, or nil when the file doesn't set it.
    private static func duration(_ text: String?, _ key: String) throws -> Int64? {
        guard let text else { return nil }
        guard let nanoseconds = DurationText.parse(text), nanoseconds > 0 else {
            throw Error(description: "\(key): expected a positive duration like 2h or 60s, got \"\(text)\"")
        }
        return nanoseconds
    }

    public func yaml() throws -> String {
        try YAMLEncoder().encode(self)
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "" : keys.joined(separator: ".") + ": "
        }
        switch error {
        case .typeMismatch(let type, let context): return "\(path(context))expected \(type): \(context.debugDescription)"
        case .valueNotFound(_, let context): return "\(path(context))\(context.debugDescription)"
        case .keyNotFound(let key, let context): return "\(path(context))missing \(key.stringValue)"
        case .dataCorrupted(let context): return "\(path(context))\(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
