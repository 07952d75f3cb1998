import Foundation
import LumenCluster
import LumenEngine
import LumenModel
import LumenQuery

/// Everything `lumen serve` can be told, by flag or by the YAML file (`docs/configuration.md`).
/// Defaults are the documented ones.
public struct ServerConfiguration: Sendable, Equatable {
    /// OTLP over HTTP, where SDKs send by default; also remote write, Zipkin and Loki push.
    public var otlpHTTP = ListenAddress(host: "0.0.0.0", port: 4318)
    /// OTLP over gRPC, served when the `lumen` binary plugs in LumenGRPC; `nil` turns it off.
    public var otlpGRPC: ListenAddress? = ListenAddress(host: "0.0.0.0", port: 4317)
    /// The query API; loopback by default because it has no authentication yet.
    public var api = ListenAddress(host: "127.0.0.1", port: 9470)
    /// StatsD over UDP; `nil` turns it off.
    public var statsd: ListenAddress? = ListenAddress(host: "0.0.0.0", port: 8125)
    /// Syslog over UDP and TCP on the same port; `nil` turns it off.
    public var syslog: ListenAddress? = ListenAddress(host: "0.0.0.0", port: 5514)
    public var dataDirectory = "./lumen-data"
    /// StatsD metrics are aggregated over this many seconds, then written as samples.
    public var statsdFlushSeconds = 10
    /// The tenant of data that arrives over UDP and TCP listeners, which carry no headers.
    public var listenerTenant = Tenant.anonymous
    /// Bearer tokens and the tenant each one writes and reads as. When any is set, HTTP requests need one.
    public var tokens: [String: Tenant] = [:]
    /// The bearer token of the operator: once tokens are set, the admin endpoints (flush, compact, status,
    /// `/metrics`) answer only it, and refuse everyone while it is unset.
    public var adminToken: String?
    public var limits = TenantLimits()
    /// Decoded request bytes ingest may hold at once; beyond it requests get 429.
    public var maxInFlightBytes = 256 << 20
    /// Resident memory past which ingest answers 503, so overload can't end in an out-of-memory kill.
    public var memoryCeilingBytes = ServerConfiguration.defaultMemoryCeiling
    /// The most log records or spans a native query returns.
    public var maxQueryLimit = 5_000
    /// Queries evaluated at once (on threads of their own, `QueryExecutor`); one more is answered 503.
    public var maxConcurrentQueries = 20
    /// How long one query may run, and how many samples and series it may touch.
    public var queryLimits = QueryLimits()
    /// Retention, out-of-order window, when the head is cut into blocks and how blocks are compacted.
    public var storage = StorageOptions()
    /// How often the store checks whether to cut the head, drop expired blocks or compact.
    public var maintenanceSeconds = 15
    /// The Alertmanagers alerts go to (`--alertmanager`, `alertmanagers:`): base URLs like http://host:9093.
    public var alertmanagers: [String] = []
    /// Rule files in Prometheus' format, as paths or globs, each optionally `TENANT=` prefixed (`--rules`,
    /// `rules:`, `RuleSource`); see docs/rules.md.
    public var rules: [String] = []
    /// The tenant of rule files without a prefix (`rules_tenant:`).
    public var rulesTenant = Tenant.anonymous
    /// The URL Lumen is reached at from outside (`--external-url`): alerts' `generatorURL` and `$externalURL`.
    /// Nil: `http://<host name>:<API port>`, as Prometheus derives its default.
    public var externalURL: String?
    /// Labels added to every alert sent to Alertmanager (where the alert has none of that name) and shown to
    /// templates as `$externalLabels` (`--external-label`, `external_labels:`).
    public var externalLabels: [String: String] = [:]
    /// How often Lumen stores its own metrics in tenant `_lumen` (`SelfMetricsRecorder`).
    public var selfMetricsSeconds = 15
    /// How many connections each TCP listener serves and how long a connection may idle or take to send a
    /// request.
    public var connections = ConnectionLimits()
    /// TLS on every TCP listener (OTLP/HTTP, OTLP/gRPC, the API, syslog/TCP); nil: plaintext.
    public var tls: TLSFiles?
    /// The cluster this node joins (`--cluster`, `cluster:`; docs/cluster.md); nil: a single node, no NATS.
    public var cluster: ClusterConfiguration?

    public init() {}

    /// `externalURL`, or Prometheus' default form `http://<host name>:<API port>`.
    public var effectiveExternalURL: String {
        externalURL ?? "http://\(ProcessInfo.processInfo.hostName):\(api.port)"
    }

    /// An external URL as given, without trailing slashes, or `failure`'s error: it must be an absolute http(s)
    /// URL with a host, since Alertmanager and its receivers link to it.
    public static func checkedExternalURL<Failure: Error>(
        _ text: String, _ failure: (String) -> Failure
    ) throws(Failure) -> String {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil
        else { throw failure("\"\(text)\" is not an http(s) URL with a host") }
        var trimmed = text
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed
    }

    /// The largest request body accepted by default, after decompression.
    public var maxBodyBytes: Int {
        get { limits.defaults.maxBodyBytes }
        set { limits.defaults.maxBodyBytes = newValue }
    }

    /// Three quarters of physical memory.
    public static var defaultMemoryCeiling: Int {
        Int(Double(sysconf(Int32(_SC_PHYS_PAGES)) * sysconf(Int32(_SC_PAGESIZE))) * 0.75)
    }
}

/// The budget of the TCP listeners' connections (`ConnectionBudget`).
public struct ConnectionLimits: Sendable, Equatable {
    /// Connections one TCP listener serves at once; nil: an equal share of the open-file limit, less a
    /// reserve for the store (`FileDescriptorLimit`).
    public var maxPerListener: Int?
    /// An HTTP connection with no request in progress for this long is closed: a request head must arrive whole
    /// within it, however steadily its bytes come (the idle timer counts decoded request parts, not bytes).
    public var idleTimeout: Duration = .seconds(60)
    /// An HTTP request whose head has arrived must be read whole within this long.
    public var requestTimeout: Duration = .seconds(60)

    public init() {}
}

/// A `host:port` to listen on.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`, `:port` (all interfaces) or `[v6]:port`.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.init(host: host.isEmpty ? "0.0.0.0" : host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

#if canImport(Glibc)
import Glibc
#endif
