import LumenEngine
import LumenModel
import LumenQuery

/// What rule evaluation needs from the server, for one tenant: an instant query, the append path for what rules
/// write, and raw reads of stored series (the restore of `for` state).
///
/// Contract: `query` runs on the rules' own executor, never on the threads that serve ingest or queries;
/// `append` takes the path every ingested sample takes, so recorded series are stored like any other.
public struct RuleEnvironment: Sendable {
    public var tenant: Tenant
    /// The expression's value at the time; a scalar is one sample without labels, as in Prometheus.
    public var query: @Sendable (_ expr: Expr, _ time: Int64) async throws -> [InstantSample]
    public var append: @Sendable (_ series: [TimeSeries]) async throws -> Void
    public var store: any TelemetryReader
    /// Labels and URL the templates see as `$externalLabels` and `$externalURL`; the URL also prefixes each
    /// alert's `generatorURL`.
    public var externalLabels: Labels
    public var externalURL: String
    /// Lumen's template context for an alerting rule's result (`$exemplars`, `$topLogTemplates`,
    /// `$traceCommand`), by result series; nil leaves those variables empty. See `AlertContext.provider`.
    public var alertContext: AlertContextProvider?

    public init(
        tenant: Tenant, store: any TelemetryReader, externalLabels: Labels = Labels([]), externalURL: String = "",
        query: @escaping @Sendable (Expr, Int64) async throws -> [InstantSample],
        append: @escaping @Sendable ([TimeSeries]) async throws -> Void
    ) {
        self.tenant = tenant
        self.store = store
        self.externalLabels = externalLabels
        self.externalURL = externalURL
        self.query = query
        self.append = append
    }

    /// Evaluates with `engine` in the calling thread and appends into `head` directly: for `lumen rules test`
    /// and unit tests, where there is no server.
    public static func local(
        head: Head, engine: QueryEngine, tenant: Tenant = .anonymous, externalLabels: Labels = Labels([]),
        externalURL: String = ""
    ) -> RuleEnvironment {
        RuleEnvironment(
            tenant: tenant, store: head, externalLabels: externalLabels, externalURL: externalURL,
            query: { expr, time in try RuleQuery.instant(expr, at: time, engine: engine, tenant: tenant) },
            append: { series in head.append(Batch(tenant: tenant, series: series)) })
    }
}

/// Runs a rule's expression as an instant query.
public enum RuleQuery {
    public static func instant(
        _ expr: Expr, at time: Int64, engine: QueryEngine, tenant: Tenant,
        cancellation: QueryCancellation = QueryCancellation()
    ) throws(QueryError) -> [InstantSample] {
        switch try engine.execute(.metrics(expr), tenant: tenant, window: .instant(time), cancellation: cancellation) {
        case .vector(let samples): return samples
        case .scalar(let sample): return [InstantSample(labels: Labels([]), sample: sample)]
        default: throw QueryError("rule result is not a vector or scalar")
        }
    }
}
