import LumenEngine
import LumenModel

extension SpanPrefilter {
    /// What a span must be to meet `condition`, as far as its own fields tell: `=` on service, name, kind or
    /// status, and comparisons of duration, joined by `&&` and `||`. Anything else (attributes, status
    /// messages, `!=`, regexes) admits every span, so the prefilter never refuses a span the condition takes.
    init(_ condition: SpanCondition) throws(QueryError) {
        switch condition {
        case .and(let lhs, let rhs): self = try SpanPrefilter(lhs).and(SpanPrefilter(rhs))
        case .or(let lhs, let rhs): self = try SpanPrefilter(lhs).or(SpanPrefilter(rhs))
        case .compare(let field, let op, let value):
            self = .none
            let comparison = try Comparison(op, value)
            guard comparison.regex == nil else { return }
            if field == .duration, let number = comparison.number, !number.isNaN {
                // Whole nanoseconds, rounded outwards: the bounds may admit a little more, never less.
                let (low, high) = (Self.nanoseconds(number.rounded(.down)), Self.nanoseconds(number.rounded(.up)))
                switch op {
                case .equal: (minDuration, maxDuration) = (low, high)
                case .greater, .greaterOrEqual: minDuration = low
                case .less, .lessOrEqual: maxDuration = high
                case .notEqual, .matchesRegex, .notMatchesRegex: break
                }
                return
            }
            // `text` is nil for a duration or byte size, which no text equals.
            guard op == .equal else { return }
            let text = comparison.text
            switch field {
            case .service: services = Set([text].compactMap { $0 })
            case .name: names = Set([text].compactMap { $0 })
            case .kind: kinds = Set(SpanKind.allCases.filter { $0.name == text })
            case .status: statuses = Set(SpanStatus.Code.allCases.filter { $0.name == text })
            case .statusMessage, .duration, .spanAttribute, .resourceAttribute: break
            }
        }
    }

    private static func nanoseconds(_ value: Double) -> Int64 {
        value <= -0x1p63 ? .min : value >= 0x1p63 ? .max : Int64(value)
    }
}
