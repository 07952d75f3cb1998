import LumenModel

/// One `op value` with its regex compiled, applied to text, numbers or attribute values.
struct Comparison: Sendable {
    let op: ComparisonOperator
    let value: QueryValue
    let text: String?
    let number: Double?
    let regex: LabelMatcher?

    init(_ op: ComparisonOperator, _ value: QueryValue) throws(QueryError) {
        self.op = op
        self.value = value
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
        case .bytes(let bytes):
            text = nil
            number = bytes
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

    /// A field read as text from a log line (a parsed field, an attribute or a stream label), compared the way
    /// the literal asks: as text for a quoted value, as a number, a duration or a byte size otherwise. A field
    /// that is missing reads as "" (as a missing label does); one that doesn't convert fails the test, except `!=`.
    func field(_ candidate: String?) -> Bool {
        switch value {
        case .string: return text(candidate ?? "")
        case .number:
            guard let parsed = candidate.flatMap({ Double($0) }) else { return op == .notEqual }
            return number(parsed)
        case .duration:
            guard let parsed = candidate.flatMap({ Double($0).map { $0 * 1e9 } ?? DurationText.parse($0).map(Double.init) })
            else { return op == .notEqual }
            return number(parsed)
        case .bytes:
            guard let parsed = candidate.flatMap({ Double($0) ?? ByteSize.parse($0) }) else { return op == .notEqual }
            return number(parsed)
        }
    }
}
