import LumenModel

/// A span set with its selectors compiled, judged on one whole trace at a time.
struct CompiledSpanSet {
    private indirect enum Node {
        case selector(SpanPredicate)
        case descendant(Node, Node)
        case child(Node, Node)
    }

    private let root: Node

    init(_ set: SpanSet) throws(QueryError) {
        root = try Self.compile(set)
    }

    private static func compile(_ set: SpanSet) throws(QueryError) -> Node {
        switch set {
        case .selector(let condition): .selector(try SpanPredicate(condition))
        case .descendant(let lhs, let rhs): .descendant(try compile(lhs), try compile(rhs))
        case .child(let lhs, let rhs): .child(try compile(lhs), try compile(rhs))
        }
    }

    /// The spans of the trace the set picks.
    func matches(in spans: [Span]) -> [Span] {
        let byID = Dictionary(spans.map { ($0.spanID, $0) }, uniquingKeysWith: { first, _ in first })
        return Self.evaluate(root, spans, byID)
    }

    private static func evaluate(_ node: Node, _ spans: [Span], _ byID: [SpanID: Span]) -> [Span] {
        switch node {
        case .selector(let predicate):
            return spans.filter(predicate.matches)
        case .child(let lhs, let rhs):
            let parents = Set(evaluate(lhs, spans, byID).map(\.spanID))
            return evaluate(rhs, spans, byID).filter { $0.parentSpanID.map(parents.contains) ?? false }
        case .descendant(let lhs, let rhs):
            let ancestors = Set(evaluate(lhs, spans, byID).map(\.spanID))
            return evaluate(rhs, spans, byID).filter { span in
                var parent = span.parentSpanID
                var seen = Set<SpanID>()
                while let id = parent, seen.insert(id).inserted {
                    if ancestors.contains(id) { return true }
                    parent = byID[id]?.parentSpanID
                }
                return false
            }
        }
    }
}

/// `| avg(duration) > 1s` compiled: the function over a trace's matched spans, then the comparison.
struct CompiledAggregate {
    private let aggregate: TraceAggregate
    private let comparison: Comparison

    init(_ aggregate: TraceAggregate) throws(QueryError) {
        self.aggregate = aggregate
        comparison = try Comparison(aggregate.op, aggregate.value)
    }

    /// Spans without a numeric value for the field are left out; with none left only `count()` can hold.
    func holds(for spans: [Span]) -> Bool {
        guard aggregate.function != .count else { return comparison.number(Double(spans.count)) }
        guard let field = aggregate.field else { return false }
        let values = spans.compactMap { SpanValues.number(field, of: $0) }
        guard !values.isEmpty else { return false }
        return comparison.number(aggregate.function.reduce(values))
    }
}

/// A span query's structure and aggregates together: the spans of one whole trace it matches, or none when an
/// aggregate fails.
struct TraceJudge {
    private let set: CompiledSpanSet
    private let aggregates: [CompiledAggregate]

    init(_ query: SpanQuery) throws(QueryError) {
        set = try CompiledSpanSet(query.spans)
        var aggregates: [CompiledAggregate] = []
        for aggregate in query.aggregates { aggregates.append(try CompiledAggregate(aggregate)) }
        self.aggregates = aggregates
    }

    func matches(in spans: [Span]) -> [Span] {
        let matched = set.matches(in: spans)
        return aggregates.allSatisfy({ $0.holds(for: matched) }) ? matched : []
    }
}
