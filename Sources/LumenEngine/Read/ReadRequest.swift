import LumenModel

/// One read, described as a value: whose data, which time range, and what the sources can prune by themselves
/// (stream and series matchers, strings every log line contains, a span prefilter, trace IDs, a limit).
/// Codable, so that a query node can send the same request to the node holding the data and merge the answers
/// with the same code (`Querier`). What a query does beyond this (parsers, span conditions across a trace) it
/// does to what the read yields.
///
/// Times are nanoseconds since the epoch, inclusive at both ends.
public struct ReadRequest: Sendable, Hashable, Codable {
    public var tenant: Tenant
    public var from: Int64
    public var to: Int64
    /// Series (metrics) or streams (logs) selected by every matcher; no matchers select all. Spans ignore them.
    public var matchers: [LabelMatcher]
    /// Strings every wanted log line contains (a query's `|=` filters): sources skip pages and rows without one.
    public var lineContains: [String]
    /// What every wanted span's own fields are: sources skip pages and rows it rules out.
    public var spanPrefilter: SpanPrefilter
    /// Metrics: the most samples the read may gather before it stops with `ReadLimitExceeded`.
    /// Logs and spans: the most items it yields, newest first.
    public var limit: Int
    /// Logs: yield the oldest records first instead (Loki's `direction=forward`).
    public var oldestFirst: Bool
    /// Logs and spans: how many items the reader expects to take — its query's limit, where `limit` stays
    /// unbounded because the query filters what it reads. A source that sends its items in parts (another node,
    /// `RemoteSource`) sends about this many first, and more only if the read gets past them.
    public var wanted: Int

    public init(
        tenant: Tenant, from: Int64 = .min, to: Int64 = .max, matchers: [LabelMatcher] = [],
        lineContains: [String] = [], spanPrefilter: SpanPrefilter = .none, limit: Int = .max,
        oldestFirst: Bool = false, wanted: Int? = nil
    ) {
        self.tenant = tenant
        self.from = from
        self.to = to
        self.matchers = matchers
        self.lineContains = lineContains
        self.spanPrefilter = spanPrefilter
        self.limit = limit
        self.oldestFirst = oldestFirst
        self.wanted = wanted ?? limit
    }

    /// Whether data spanning `[minTime, maxTime]` may hold some of the range.
    func overlaps(_ minTime: Int64, _ maxTime: Int64) -> Bool { minTime <= to && maxTime >= from }

    /// `lineContains` as the bytes line searches look for.
    var needles: [[UInt8]] { lineContains.map { Array($0.utf8) } }
}

/// A metric read would gather more samples than its request's `limit`: it stopped there.
public struct ReadLimitExceeded: Error, Sendable, Equatable {
    public let limit: Int
}
