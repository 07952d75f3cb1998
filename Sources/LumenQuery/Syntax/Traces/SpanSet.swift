/// Spans of one trace picked by selectors and the structural operators between them (as in TraceQL):
/// `{service="frontend"} >> {service="cart" && status=error}`. Operators are left-associative; the result of
/// `a >> b` is the spans of `b`.
public indirect enum SpanSet: Equatable, Sendable {
    case selector(SpanCondition)
    /// `a >> b`: spans of `b` that have an ancestor in `a`.
    case descendant(SpanSet, SpanSet)
    /// `a > b`: spans of `b` whose parent is in `a`.
    case child(SpanSet, SpanSet)

    /// The selector whose spans end up in the result: the rightmost one.
    var resultCondition: SpanCondition {
        switch self {
        case .selector(let condition): condition
        case .descendant(_, let rhs), .child(_, let rhs): rhs.resultCondition
        }
    }
}

/// `| count() > 3`, `| avg(duration) > 1s`: a test on the matching spans of a trace, keeping the trace or not.
public struct TraceAggregate: Equatable, Sendable {
    public enum Function: String, Equatable, Sendable, CaseIterable {
        case count, avg, min, max, sum

        /// The function over `values`, which must not be empty.
        func reduce(_ values: [Double]) -> Double {
            switch self {
            case .count: Double(values.count)
            case .avg: values.reduce(0, +) / Double(values.count)
            case .min: values.min()!
            case .max: values.max()!
            case .sum: values.reduce(0, +)
            }
        }
    }

    public var function: Function
    /// What `avg`, `min`, `max`, `sum` read: `duration` or a numeric attribute; `nil` for `count()`.
    public var field: SpanField?
    public var op: ComparisonOperator
    public var value: QueryValue

    public init(_ function: Function, _ field: SpanField?, _ op: ComparisonOperator, _ value: QueryValue) {
        self.function = function
        self.field = field
        self.op = op
        self.value = value
    }
}
