import LumenModel

/// Evaluates span conditions. Text fields compare as text; `duration` and numeric attributes as numbers;
/// a condition on an attribute the span lacks is false (as in TraceQL).
enum SpanPredicate {
    static func evaluate(_ condition: SpanCondition, on span: Span) -> Bool {
        switch condition {
        case .and(let lhs, let rhs): evaluate(lhs, on: span) && evaluate(rhs, on: span)
        case .or(let lhs, let rhs): evaluate(lhs, on: span) || evaluate(rhs, on: span)
        case .compare(let field, let op, let value): compare(field, op, value, on: span)
        }
    }

    private static func compare(_ field: SpanField, _ op: ComparisonOperator, _ value: QueryValue, on span: Span)
        -> Bool
    {
        switch field {
        case .service: return compareText(span.serviceName, op, value)
        case .name: return compareText(span.name, op, value)
        case .kind: return compareText(span.kind.name, op, value)
        case .status: return compareText(span.status.code.name, op, value)
        case .statusMessage: return compareText(span.status.message, op, value)
        case .duration: return compareNumber(Double(span.duration), op, value)
        case .spanAttribute(let key): return compareAttribute(span.attributes[key], op, value)
        case .resourceAttribute(let key): return compareAttribute(span.resource.attributes[key], op, value)
        }
    }

    private static func compareAttribute(_ attribute: AttributeValue?, _ op: ComparisonOperator, _ value: QueryValue)
        -> Bool
    {
        guard let attribute else { return op == .notEqual || op == .notMatchesRegex }
        switch attribute {
        case .int(let number): return compareNumber(Double(number), op, value)
        case .double(let number): return compareNumber(number, op, value)
        default: return compareText(attribute.text, op, value)
        }
    }

    private static func compareText(_ text: String, _ op: ComparisonOperator, _ value: QueryValue) -> Bool {
        let expected: String
        switch value {
        case .string(let string): expected = string
        case .number(let number): expected = number == number.rounded() ? String(Int64(number)) : String(number)
        case .duration: return false
        }
        switch op {
        case .equal: return text == expected
        case .notEqual: return text != expected
        case .matchesRegex, .notMatchesRegex:
            let matched = (try? Regex("^(?:" + expected + ")$").wholeMatch(in: text)) != nil
            return op == .matchesRegex ? matched : !matched
        case .greater: return text > expected
        case .greaterOrEqual: return text >= expected
        case .less: return text < expected
        case .lessOrEqual: return text <= expected
        }
    }

    private static func compareNumber(_ number: Double, _ op: ComparisonOperator, _ value: QueryValue) -> Bool {
        let expected: Double
        switch value {
        case .number(let literal): expected = literal
        case .duration(let nanoseconds): expected = Double(nanoseconds)
        case .string(let text):
            guard let parsed = Double(text) else { return op == .notEqual }
            expected = parsed
        }
        switch op {
        case .equal: return number == expected
        case .notEqual: return number != expected
        case .greater: return number > expected
        case .greaterOrEqual: return number >= expected
        case .less: return number < expected
        case .lessOrEqual: return number <= expected
        case .matchesRegex, .notMatchesRegex: return compareText(String(number), op, value)
        }
    }
}
