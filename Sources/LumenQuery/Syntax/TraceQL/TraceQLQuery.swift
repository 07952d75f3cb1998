/// A TraceQL query as Grafana's Tempo data source writes it (see docs/grafana.md for what is supported):
/// spanset filters joined by `&&`, `||` and structural operators, then a pipeline of scalar filters
/// (`| count() > 2`), `| select(…)`, and optionally one metrics function (`| rate() by (resource.service.name)`).
public struct TraceQLQuery: Equatable, Sendable {
    public var spansets: TraceQLSpansets
    public var filters: [TraceQLScalarFilter]
    /// Fields `| select(…)` asks to show on each matched span.
    public var selected: [TraceQLField]
    /// Set for a metrics query: what to compute over the matched spans.
    public var metrics: TraceQLMetrics?

    public init(
        spansets: TraceQLSpansets, filters: [TraceQLScalarFilter] = [], selected: [TraceQLField] = [],
        metrics: TraceQLMetrics? = nil
    ) {
        self.spansets = spansets
        self.filters = filters
        self.selected = selected
        self.metrics = metrics
    }
}

/// Spansets of one trace and the operators between them. `a && b`: both match, the spans of both;
/// `a || b`: the spans of either; structural operators keep the right side's spans related to the left's.
public indirect enum TraceQLSpansets: Equatable, Sendable {
    /// `{ … }`; `nil` is `{}`, every span.
    case filter(TraceQLCondition?)
    case and(TraceQLSpansets, TraceQLSpansets)
    case or(TraceQLSpansets, TraceQLSpansets)
    case structural(TraceQLStructure, TraceQLSpansets, TraceQLSpansets)
}

public enum TraceQLStructure: String, Equatable, Sendable, CaseIterable {
    /// Right-hand spans with an ancestor on the left.
    case descendant = ">>"
    /// Right-hand spans whose parent is on the left.
    case child = ">"
    /// Right-hand spans that share a parent with a left-hand span.
    case sibling = "~"
    /// Right-hand spans that are an ancestor of a left-hand span.
    case ancestor = "<<"
    /// Right-hand spans that are the parent of a left-hand span.
    case parent = "<"
}

/// A condition inside braces, on one span (and the trace-level intrinsics of its trace).
public indirect enum TraceQLCondition: Equatable, Sendable {
    case and(TraceQLCondition, TraceQLCondition)
    case or(TraceQLCondition, TraceQLCondition)
    case compare(TraceQLField, ComparisonOperator, QueryValue)
    /// `field != nil` (true) or `field = nil` (false).
    case exists(TraceQLField, Bool)
    /// `true` or `false` alone.
    case constant(Bool)
}

/// What a condition reads: an intrinsic, or an attribute in a scope.
public enum TraceQLField: Hashable, Sendable, CustomStringConvertible {
    case intrinsic(TraceQLIntrinsic)
    /// `span.x`, `resource.x`, or unscoped `.x` (the span's attribute, else its resource's).
    case attribute(TraceQLScope, String)

    public var description: String {
        switch self {
        case .intrinsic(let intrinsic): intrinsic.rawValue
        case .attribute(.unscoped, let name): "." + name
        case .attribute(let scope, let name): scope.rawValue + "." + name
        }
    }
}

public enum TraceQLScope: String, Hashable, Sendable {
    case unscoped = "", span, resource
}

public enum TraceQLIntrinsic: String, Hashable, Sendable, CaseIterable {
    case name, kind, status, statusMessage, duration
    case rootName, rootServiceName, traceDuration
    /// Only its sign is kept: negative for a root span, as Tempo's `nestedSetParent < 0` tests.
    case nestedSetParent

    /// The scoped spellings Tempo also accepts (`span:name`, `trace:rootService`).
    static let aliases: [String: TraceQLIntrinsic] = [
        "span:name": .name, "span:kind": .kind, "span:status": .status, "span:statusMessage": .statusMessage,
        "span:duration": .duration, "trace:rootName": .rootName, "trace:rootService": .rootServiceName,
        "rootService": .rootServiceName, "trace:duration": .traceDuration,
    ]

    /// Whether the value is the same for every span of a trace.
    var isTraceLevel: Bool { [.rootName, .rootServiceName, .traceDuration].contains(self) }
}

/// `| count() > 2`, `| avg(duration) > 1s`: a test on a trace's matched spans.
public struct TraceQLScalarFilter: Equatable, Sendable {
    /// The functions of Lumen's span queries' `| count() > 3`, with the same reduction.
    public typealias Function = TraceAggregate.Function

    public var function: Function
    /// `nil` for `count()`.
    public var field: TraceQLField?
    public var op: ComparisonOperator
    public var value: QueryValue
}

/// `| rate()`, `| count_over_time()`, `| quantile_over_time(duration, .9)`, `| histogram_over_time(duration)`,
/// `| min_over_time(…)` and friends, each optionally `by (…)`.
public struct TraceQLMetrics: Equatable, Sendable {
    public enum Function: String, Equatable, Sendable, CaseIterable {
        case rate, count_over_time, min_over_time, max_over_time, avg_over_time, sum_over_time
        case quantile_over_time, histogram_over_time
    }

    public var function: Function
    public var field: TraceQLField?
    public var quantiles: [Double]
    public var by: [TraceQLField]
}

extension TraceQLQuery {
    /// The fields the query's conditions and `select(…)` name, in order of appearance, each once: what a search
    /// answer shows on every matched span, as Tempo does.
    public var referencedFields: [TraceQLField] {
        var fields: [TraceQLField] = []
        func add(_ field: TraceQLField) { if !fields.contains(field) { fields.append(field) } }
        func visit(_ condition: TraceQLCondition) {
            switch condition {
            case .and(let lhs, let rhs), .or(let lhs, let rhs):
                visit(lhs)
                visit(rhs)
            case .compare(let field, _, _), .exists(let field, _): add(field)
            case .constant: break
            }
        }
        func visit(_ spansets: TraceQLSpansets) {
            switch spansets {
            case .filter(let condition): if let condition { visit(condition) }
            case .and(let lhs, let rhs), .or(let lhs, let rhs), .structural(_, let lhs, let rhs):
                visit(lhs)
                visit(rhs)
            }
        }
        visit(spansets)
        selected.forEach(add)
        return fields
    }
}
