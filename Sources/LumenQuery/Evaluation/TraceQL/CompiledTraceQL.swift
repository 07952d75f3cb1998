import LumenModel

/// A TraceQL query's spansets and scalar filters compiled once (regexes built here), then judged on one whole
/// trace at a time: the spans it matches there, or none.
struct CompiledTraceQL {
    private typealias Test = (Span, TraceQLTrace) -> Bool

    private indirect enum Node {
        case filter(Test)
        case and(Node, Node)
        case or(Node, Node)
        case structural(TraceQLStructure, Node, Node)
    }

    private let root: Node
    private let filters: [(TraceQLScalarFilter, Comparison)]

    init(_ query: TraceQLQuery) throws(QueryError) {
        root = try Self.compile(query.spansets)
        var filters: [(TraceQLScalarFilter, Comparison)] = []
        for filter in query.filters { filters.append((filter, try Comparison(filter.op, filter.value))) }
        self.filters = filters
    }

    /// The spans of `trace` the query matches, by start time; empty when it does not match.
    func matches(_ trace: TraceQLTrace) -> [Span] {
        let matched = Self.evaluate(root, trace)
        guard !matched.isEmpty else { return [] }
        for (filter, comparison) in filters where !Self.holds(filter, comparison, matched, trace) { return [] }
        return matched.sorted { $0.startTime < $1.startTime }
    }

    private static func holds(
        _ filter: TraceQLScalarFilter, _ comparison: Comparison, _ spans: [Span], _ trace: TraceQLTrace
    ) -> Bool {
        guard filter.function != .count, let field = filter.field else {
            return comparison.number(Double(spans.count))
        }
        let values = spans.compactMap { span -> Double? in
            switch trace.value(field, of: span) {
            case .int(let integer): Double(integer)
            case .double(let double): double
            case .some(let other): Double(other.text)
            case nil: nil
            }
        }
        guard !values.isEmpty else { return false }
        return comparison.number(filter.function.reduce(values))
    }

    // MARK: Spansets

    private static func evaluate(_ node: Node, _ trace: TraceQLTrace) -> [Span] {
        switch node {
        case .filter(let test):
            return trace.spans.filter { test($0, trace) }
        case .and(let lhs, let rhs):
            let left = evaluate(lhs, trace)
            guard !left.isEmpty else { return [] }
            let right = evaluate(rhs, trace)
            return right.isEmpty ? [] : union(left, right)
        case .or(let lhs, let rhs):
            return union(evaluate(lhs, trace), evaluate(rhs, trace))
        case .structural(let op, let lhs, let rhs):
            let left = evaluate(lhs, trace)
            guard !left.isEmpty else { return [] }
            return related(op, left: left, right: evaluate(rhs, trace), trace)
        }
    }

    private static func union(_ lhs: [Span], _ rhs: [Span]) -> [Span] {
        var seen = Set(lhs.map(\.spanID))
        return lhs + rhs.filter { seen.insert($0.spanID).inserted }
    }

    /// The spans of `right` that stand in relation `op` to a span of `left`.
    private static func related(_ op: TraceQLStructure, left: [Span], right: [Span], _ trace: TraceQLTrace) -> [Span] {
        let leftIDs = Set(left.map(\.spanID))
        switch op {
        case .child:
            return right.filter { $0.parentSpanID.map(leftIDs.contains) ?? false }
        case .descendant:
            return right.filter { span in ancestors(of: span, trace).contains { leftIDs.contains($0.spanID) } }
        case .sibling:
            return right.filter { span in
                guard let parent = span.parentSpanID else { return false }
                return left.contains { $0.parentSpanID == parent && $0.spanID != span.spanID }
            }
        case .parent:
            let parents = Set(left.compactMap(\.parentSpanID))
            return right.filter { parents.contains($0.spanID) }
        case .ancestor:
            var ancestorIDs = Set<SpanID>()
            for span in left { ancestorIDs.formUnion(ancestors(of: span, trace).map(\.spanID)) }
            return right.filter { ancestorIDs.contains($0.spanID) }
        }
    }

    /// The chain of parents of a span, nearest first; a cycle in bad data ends it.
    private static func ancestors(of span: Span, _ trace: TraceQLTrace) -> [Span] {
        var chain: [Span] = []
        var seen: Set<SpanID> = [span.spanID]
        var current = trace.parent(of: span)
        while let parent = current, seen.insert(parent.spanID).inserted {
            chain.append(parent)
            current = trace.parent(of: parent)
        }
        return chain
    }

    // MARK: Conditions

    private static func compile(_ spansets: TraceQLSpansets) throws(QueryError) -> Node {
        switch spansets {
        case .filter(nil): .filter { _, _ in true }
        case .filter(let condition?): .filter(try compile(condition))
        case .and(let lhs, let rhs): .and(try compile(lhs), try compile(rhs))
        case .or(let lhs, let rhs): .or(try compile(lhs), try compile(rhs))
        case .structural(let op, let lhs, let rhs): .structural(op, try compile(lhs), try compile(rhs))
        }
    }

    private static func compile(_ condition: TraceQLCondition) throws(QueryError) -> Test {
        switch condition {
        case .and(let lhs, let rhs):
            let (left, right) = (try compile(lhs), try compile(rhs))
            return { left($0, $1) && right($0, $1) }
        case .or(let lhs, let rhs):
            let (left, right) = (try compile(lhs), try compile(rhs))
            return { left($0, $1) || right($0, $1) }
        case .constant(let value):
            return { _, _ in value }
        case .exists(let field, let present):
            return { ($1.value(field, of: $0) != nil) == present }
        case .compare(let field, let op, let value):
            let comparison = try Comparison(op, value)
            return { comparison.attribute($1.value(field, of: $0)) }
        }
    }
}
