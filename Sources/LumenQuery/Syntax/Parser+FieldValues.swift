import LumenModel

/// Values a field can never hold. A condition that merely matches nothing today (`service="nope"`) is a valid
/// query; a value outside a closed set — a span `status` or `kind` that doesn't exist, a `severity` name Lumen
/// doesn't know, a `duration` without a unit — is a typo, and is refused with a caret under the value, as bad
/// syntax is.
extension Parser {
    /// The names a span's `status` and `kind` take, as `SpanValues` and the span predicates compare them.
    static let spanStatusNames = SpanStatus.Code.allCases.map(\.name)
    static let spanKindNames = SpanKind.allCases.map(\.name)
    /// The severity names a log selector compares with (`Severity.Level(name:)` also takes `warning`, `err` …).
    static let severityNames = Severity.Level.allCases.filter { $0 != .unspecified }.map(\.name)

    /// `spanCondition(_:)` after refusing values no span can have.
    func checkedSpanCondition(_ conditions: Conditions) throws(QueryError) -> SpanCondition {
        for condition in conditions.items { try checkSpanValue(condition) }
        return try spanCondition(conditions)
    }

    private func checkSpanValue(_ condition: Condition) throws(QueryError) {
        switch Self.spanField(condition.field) {
        case .status: try checkName(condition, among: Self.spanStatusNames)
        case .kind: try checkName(condition, among: Self.spanKindNames)
        case .duration: try Self.checkDuration(condition.value, of: "duration", at: valuePosition(of: condition))
        default: break
        }
    }

    /// `status` and `kind` compare as names: with `=` or `!=` one of `names` (a regex is taken as written).
    private func checkName(_ condition: Condition, among names: [String]) throws(QueryError) {
        switch condition.op {
        case .matchesRegex, .notMatchesRegex: return
        case .greater, .greaterOrEqual, .less, .lessOrEqual:
            throw Self.definite("\(condition.field) is compared with = or != (or =~, !~), not \(condition.op.rawValue)",
                at: condition.position)
        case .equal, .notEqual:
            if case .string(let name) = condition.value, names.contains(name) { return }
            throw Self.unknownValue(
                condition.value, of: condition.field, among: names, at: valuePosition(of: condition))
        }
    }

    /// A duration literal needs a unit: `duration > 100` would silently mean 100 ns.
    static func checkDuration(_ value: QueryValue, of field: String, at position: SourcePosition) throws(QueryError) {
        switch value {
        case .duration, .string: return
        case .number:
            let written = text(of: value)
            throw definite("\(field) needs a unit: write \(written)ms, \(written)s or \(written)us, not \(written)",
                at: position)
        case .bytes:
            throw definite("\(field) compares with a duration like 500ms, not a byte size", at: position)
        }
    }

    /// A log selector's `severity = name` and `!= name` must name a level; in a metric selector
    /// (`{__name__="alerts", severity="page"}`) severity is an ordinary label.
    func checkSeverityNames(_ conditions: Conditions) throws(QueryError) {
        for condition in conditions.items
        where condition.field == "severity" && (condition.op == .equal || condition.op == .notEqual) {
            _ = try severityLevel(condition)
        }
    }

    /// The level a log selector's `severity` condition names, or an error with the names it may use.
    func severityLevel(_ condition: Condition) throws(QueryError) -> Severity.Level {
        if case .string(let name) = condition.value, let level = Severity.Level(name: name) { return level }
        throw Self.unknownValue(condition.value, of: "severity", among: Self.severityNames,
            at: valuePosition(of: condition))
    }

    /// `unknown status "eror" (status is unset, ok or error) — did you mean "error"?`
    private static func unknownValue(_ value: QueryValue, of field: String, among names: [String],
        at position: SourcePosition) -> QueryError
    {
        let written = text(of: value)
        var message = "unknown \(field) \"\(written)\" (\(field) is "
            + names.dropLast().joined(separator: ", ") + " or " + names.last! + ")"
        if let nearest = NearestName.suggestion(for: written, among: names) {
            message += " — did you mean \"\(nearest)\"?"
        }
        return definite(message, at: position)
    }

    /// An error in a query whose kind is certain: `{status="eror"}` is not to be retried as a PromQL selector.
    private static func definite(_ message: String, at position: SourcePosition) -> QueryError {
        var error = QueryError(message, at: position)
        error.isDefinite = true
        return error
    }

    /// A value as the query wrote it (near enough for a message): `100`, not `100.0`.
    private static func text(of value: QueryValue) -> String {
        switch value {
        case .string(let text): text
        case .number(let number):
            number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .duration(let nanoseconds): DurationText.format(nanoseconds)
        case .bytes(let bytes): String(bytes)
        }
    }

    /// Where a condition's value starts, for the caret: the value is two tokens after the field name.
    func valuePosition(of condition: Condition) -> SourcePosition {
        guard let field = tokens.firstIndex(where: { $0.position == condition.position }), field + 2 < tokens.count
        else { return condition.position }
        return tokens[field + 2].position
    }
}
