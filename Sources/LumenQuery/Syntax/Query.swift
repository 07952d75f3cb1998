import LumenModel

/// A parsed query. One language, three kinds of selector sharing one set of label matchers
/// (see docs/query-language.md):
/// - metrics: any PromQL expression, like `sum by (code) (rate(http_server_requests_total{service="cart"}[5m]))`
/// - logs: `{service="cart", severity>="warn"} |= "timeout"`
/// - spans: `{service="cart" && duration > 500ms && status=error}`, answered as the traces they belong to
/// - correlation: `traces({service="cart"} |= "timeout")`, the traces of the matching log lines
public enum Query: Equatable, Sendable {
    case metrics(Expr)
    case logs(LogQuery)
    case spans(SpanQuery)
    case tracesOfLogs(LogQuery)
}

extension Query {
    /// The matchers of a query that is a bare instant-vector selector (what `/api/v1/series` takes), else `nil`.
    public var selectorMatchers: [LabelMatcher]? {
        guard case .metrics(let expr) = self, case .vectorSelector(let selector) = expr.unwrapped else { return nil }
        return selector.matchers
    }
}

/// A stream selector followed by a pipeline of line filters, parsers and field filters, as in LogQL.
public struct LogQuery: Equatable, Sendable {
    public var matchers: [LabelMatcher]
    public var stages: [LogStage]
    /// Only in a metric query: the field whose value each line contributes.
    public var unwrap: Unwrap?
    /// Loki's view of a stream (`Parser.parseLogQL`): besides `severity`, each line's series carries `level` and
    /// `detected_level`, the severity's name (`unknown` when unspecified), so Grafana groups log volume by them.
    public var levelLabels = false

    public init(matchers: [LabelMatcher], stages: [LogStage] = [], unwrap: Unwrap? = nil) {
        self.matchers = matchers
        self.stages = stages
        self.unwrap = unwrap
    }

    /// The line filters among the stages.
    public var filters: [LineFilter] {
        stages.compactMap { stage in
            if case .line(let filter) = stage { return filter }
            return nil
        }
    }

    /// The strings every matching line contains as stored (its `|=` filters before any stage that rewrites
    /// the line): what lets the store skip pages unread.
    public var lineContains: [String] {
        var contains: [String] = []
        for stage in stages {
            switch stage {
            case .line(let filter) where filter.op == .contains: contains.append(filter.value)
            case .lineFormat, .decolorize, .unpack: return contains
            default: continue
            }
        }
        return contains
    }
}

public struct LineFilter: Equatable, Sendable {
    public enum Operator: String, Equatable, Sendable {
        case contains = "|="
        case notContains = "!="
        case matchesRegex = "|~"
        case notMatchesRegex = "!~"
    }

    public let op: Operator
    public let value: String
    /// Line regexes search anywhere in the line (unanchored), as LogQL's do.
    private let regex: UnanchoredRegex?
    private let valueUTF8: [UInt8]

    public init(_ op: Operator, _ value: String) throws(QueryError) {
        self.op = op
        self.value = value
        valueUTF8 = Array(value.utf8)
        switch op {
        case .contains, .notContains: regex = nil
        case .matchesRegex, .notMatchesRegex: regex = try UnanchoredRegex(value)
        }
    }

    public func matches(_ line: String) -> Bool {
        switch op {
        case .contains: LineSearch.contains(line, valueUTF8)
        case .notContains: !LineSearch.contains(line, valueUTF8)
        case .matchesRegex: regex!.matches(line)
        case .notMatchesRegex: !regex!.matches(line)
        }
    }

    public static func == (lhs: LineFilter, rhs: LineFilter) -> Bool { lhs.op == rhs.op && lhs.value == rhs.value }
}

/// A TraceQL-like span query: selectors joined by structural operators, then tests on each trace's matches.
public struct SpanQuery: Equatable, Sendable {
    public var spans: SpanSet
    public var aggregates: [TraceAggregate]
    /// Only in a metric query: the field whose value each span contributes (`duration` in seconds).
    public var unwrap: Unwrap?

    public init(spans: SpanSet, aggregates: [TraceAggregate] = [], unwrap: Unwrap? = nil) {
        self.spans = spans
        self.aggregates = aggregates
        self.unwrap = unwrap
    }

    public init(condition: SpanCondition) {
        self.init(spans: .selector(condition))
    }

    /// Whether a span is judged alone, with no other span of its trace: no structure, no aggregates.
    var isSimple: Bool {
        if case .selector = spans, aggregates.isEmpty { return true }
        return false
    }
}

public indirect enum SpanCondition: Equatable, Sendable {
    case and(SpanCondition, SpanCondition)
    case or(SpanCondition, SpanCondition)
    case compare(SpanField, ComparisonOperator, QueryValue)
}

/// What a span condition looks at: an intrinsic, or an attribute of the span or of its resource.
public enum SpanField: Equatable, Sendable, CustomStringConvertible {
    case service, name, kind, status, statusMessage, duration
    case spanAttribute(String)
    case resourceAttribute(String)

    public var description: String {
        switch self {
        case .service: "service"
        case .name: "name"
        case .kind: "kind"
        case .status: "status"
        case .statusMessage: "statusMessage"
        case .duration: "duration"
        case .spanAttribute(let key): "span." + key
        case .resourceAttribute(let key): "resource." + key
        }
    }
}

public enum ComparisonOperator: String, Equatable, Sendable {
    case equal = "=", notEqual = "!=", matchesRegex = "=~", notMatchesRegex = "!~"
    case greater = ">", greaterOrEqual = ">=", less = "<", lessOrEqual = "<="
}

/// A literal on the right of a comparison. Bare words (`error`, `server`) are kept as text.
public enum QueryValue: Equatable, Sendable {
    case string(String)
    case number(Double)
    case duration(Int64)
    /// A byte size like `10KB` or `1.5MiB`, in bytes.
    case bytes(Double)
}

/// Searches anywhere in the text, in linear time (RE2 syntax, see `LinearRegex`); compiled once.
struct UnanchoredRegex: Sendable {
    private let regex: LinearRegex

    init(_ pattern: String) throws(QueryError) {
        do {
            regex = try LinearRegex(pattern)
        } catch {
            throw QueryError("invalid regular expression \"\(pattern)\": \(error)")
        }
    }

    func matches(_ text: String) -> Bool {
        regex.contains(text)
    }
}
