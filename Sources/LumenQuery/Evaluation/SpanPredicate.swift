import LumenModel

/// A span condition compiled once into a test run on every span: regexes are built here, not per span.
/// Text fields compare as text; `duration` and numeric attributes as numbers; a condition on an attribute the
/// span lacks is false, except for `!=` and `!~` (as in TraceQL).
struct SpanPredicate: Sendable {
    private let test: @Sendable (Span) -> Bool

    init(_ condition: SpanCondition) throws(QueryError) {
        test = try Self.compile(condition)
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

/// One `op value` with its regex compiled, applied to text, numbers or attribute values.
private struct Comparison: Sendable {
    let op: ComparisonOperator
    let text: String?
    let number: Double?
    let regex: LabelMatcher?

    init(_ op: ComparisonOperator, _ value: QueryValue) throws(QueryError) {
        self.op = op
        switch value {
        case .string(let string):
            text = string
            number = Double(string)
        case .number(let literal):
            text = literal == literal.rounded() && abs(literal) < 1e15 ? String(Int64(literal)) : String(literal)
            number = literal
        case .duration(let nanoseconds):
            text = nil
            number = Double(nanoseconds)
        }
        if op == .matchesRegex || op == .notMatchesRegex {
            do {
                regex = try LabelMatcher("", op == .matchesRegex ? .matchesRegex : .notMatchesRegex, text ?? "")
            } catch {
                throw QueryError("\(error)")
            }
        } else {
            regex = nil
        }
    }

    func text(_ candidate: String) -> Bool {
        if let regex { return regex.matches(candidate) }
        guard let text else { return false }
        return compare(candidate, text)
    }

    func number(_ candidate: Double) -> Bool {
        if let regex { return regex.matches(String(candidate)) }
        guard let number else { return op == .notEqual }
        return compare(candidate, number)
    }

    private func compare<Value: Comparable>(_ candidate: Value, _ expected: Value) -> Bool {
        switch op {
        case .equal: candidate == expected
        case .notEqual: candidate != expected
        case .greater: candidate > expected
        case .greaterOrEqual: candidate >= expected
        case .less: candidate < expected
        case .lessOrEqual: candidate <= expected
        case .matchesRegex, .notMatchesRegex: false  // handled by `regex`
        }
    }

    func attribute(_ value: AttributeValue?) -> Bool {
        switch value {
        case nil: op == .notEqual || op == .notMatchesRegex
        case .int(let integer): number(Double(integer))
        case .double(let double): number(double)
        case .some(let other): text(other.text)
        }
    }
}
