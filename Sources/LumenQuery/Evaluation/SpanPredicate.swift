import LumenEngine
import LumenModel

/// A span condition compiled once into a test run on every span: regexes are built here, not per span.
/// Text fields compare as text; `duration` and numeric attributes as numbers; a condition on an attribute the
/// span lacks is false, except for `!=` and `!~` (as in TraceQL).
struct SpanPredicate: Sendable {
    private let test: @Sendable (Span) -> Bool
    /// The part of the test a store can make on a span's own fields before building it.
    let prefilter: SpanPrefilter

    init(_ condition: SpanCondition) throws(QueryError) {
        test = try Self.compile(condition)
        prefilter = try SpanPrefilter(condition)
    }

    func matches(_ span: Span) -> Bool { test(span) }

    private static func compile(_ condition: SpanCondition) throws(QueryError) -> @Sendable (Span) -> Bool {
        switch condition {
        case .and(let lhs, let rhs):
            let (left, right) = (try compile(lhs), try compile(rhs))
            return { left($0) && right($0) }
        case .or(let lhs, let rhs):
            let (left, right) = (try compile(lhs), try compile(rhs))
            return { left($0) || right($0) }
        case .compare(let field, let op, let value):
            let compare = try Comparison(op, value)
            switch field {
            case .service: return { compare.text($0.serviceName) }
            case .name: return { compare.text($0.name) }
            case .kind: return { compare.text($0.kind.name) }
            case .status: return { compare.text($0.status.code.name) }
            case .statusMessage: return { compare.text($0.status.message) }
            case .duration: return { compare.number(Double($0.duration)) }
            case .spanAttribute(let key): return { compare.attribute($0.attributes[key]) }
            case .resourceAttribute(let key): return { compare.attribute($0.resource.attributes[key]) }
            }
        }
    }
}
