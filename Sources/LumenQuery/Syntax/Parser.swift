import LumenModel

/// A recursive-descent parser for the query language (grammar in docs/query-language.md).
///
/// Which kind a braced selector is follows from what it holds: conditions joined by `&&`/`||`, or on span
/// intrinsics (`duration`, `status`, `kind`, `name`) and scoped attributes (`span.x`, `resource.x`), make a span
/// selector; a `__name__` matcher a metric selector; anything else is a log stream selector.
public struct Parser {
    var tokens: [Token]
    var index = 0
    /// Whether braces without a metric name inside an expression read as logs or spans (the native language),
    /// or always as a metric selector (PromQL only).
    var native = false
    /// How deep the expression being parsed nests (parentheses, calls, operands of operators, chained
    /// operators), checked against `maxNesting` so that no query can exhaust the stack of the parser or of
    /// the evaluator that walks its tree.
    var nesting = 0
    static let maxNesting = 256
    /// Whether log queries take Loki's view of their streams (`LogQuery.levelLabels`).
    var levelLabels = false

    public static func parse(_ text: String) throws(QueryError) -> Query {
        var parser = Parser(tokens: try Lexer.tokenize(text))
        parser.native = true
        let query = try parser.query()
        try parser.expectEnd()
        return query
    }

    /// Parses LogQL as Loki's HTTP API receives it: the native language, with each log query's series
    /// carrying `level` and `detected_level` (see `LogQuery.levelLabels`).
    public static func parseLogQL(_ text: String) throws(QueryError) -> Query {
        var parser = Parser(tokens: try Lexer.tokenize(text))
        parser.native = true
        parser.levelLabels = true
        let query = try parser.query()
        try parser.expectEnd()
        return query
    }

    private init(tokens: [Token]) {
        self.tokens = tokens
    }

    var current: Token { tokens[index] }
    /// The token after the current one.
    var next: Token.Kind { index + 1 < tokens.count ? tokens[index + 1].kind : .end }

    mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    func isSymbol(_ symbol: String) -> Bool { current.kind == .symbol(symbol) }

    mutating func expect(_ symbol: String, _ context: String) throws(QueryError) {
        guard isSymbol(symbol) else {
            throw QueryError("expected \"\(symbol)\" \(context), found \(current.display)", at: current.position)
        }
        advance()
    }

    /// Parses PromQL only: a braced selector is always a metric selector here (promqltest files, the
    /// Prometheus API).
    public static func parsePromQL(_ text: String) throws(QueryError) -> Expr {
        var parser = Parser(tokens: try Lexer.tokenize(text))
        let expr = try parser.promQLExpression()
        try parser.expectEnd()
        return expr
    }

    /// Counts one more level of nesting, plus `chained` operators of one chain, and refuses past `maxNesting`.
    func checkNesting(chained: Int = 0) throws(QueryError) {
        guard nesting + chained <= Self.maxNesting else {
            throw QueryError("the query nests deeper than \(Self.maxNesting) levels (parentheses, calls and chained "
                + "operators together); split it up", at: current.position)
        }
    }

    func expectEnd() throws(QueryError) {
        guard current.kind == .end else {
            throw QueryError("expected end of query, found \(current.display)", at: current.position)
        }
    }

    // MARK: Query

    /// A braced selector that holds span conditions, or log matchers with line filters, is a span or log
    /// query; everything else is PromQL.
    private mutating func query() throws(QueryError) -> Query {
        if case .identifier("traces") = current.kind, next == .symbol("(") { return try tracesOfLogs() }
        guard isSymbol("{") else { return .metrics(try promQLExpression()) }
        let start = index
        let bracedError: QueryError
        do {
            let braced = try bracedSelector()
            if current.kind == .end, !Self.isMetric(braced) {
                try Self.refuseUnwrap(braced, at: tokens[start].position)
                return braced
            }
            index = start
            return .metrics(try promQLExpression())
        } catch {
            bracedError = error
        }
        index = start
        // `{job="a"} + 1` is PromQL; if it isn't PromQL either, the braced query's error says more.
        if !bracedError.isDefinite, let expr = try? promQLExpression(), current.kind == .end { return .metrics(expr) }
        throw bracedError
    }

    private static func isMetric(_ query: Query) -> Bool {
        if case .metrics = query { return true }
        return false
    }

    /// `traces(<log query>)`: the traces the matching log lines were written under.
    private mutating func tracesOfLogs() throws(QueryError) -> Query {
        let position = current.position
        advance()
        advance()
        guard isSymbol("{"), case .logs(let logs) = try bracedSelector() else {
            throw QueryError("traces(…) takes a log query, like traces({service=\"cart\"} |= \"timeout\")",
                at: position)
        }
        try expect(")", "to close traces(…)")
        try Self.refuseUnwrap(.logs(logs), at: position)
        return .tracesOfLogs(logs)
    }

    /// `| unwrap` makes sense only where values are summed up over a range.
    private static func refuseUnwrap(_ query: Query, at position: SourcePosition) throws(QueryError) {
        let unwrap: Unwrap? = switch query {
        case .logs(let logs), .tracesOfLogs(let logs): logs.unwrap
        case .spans(let spans): spans.unwrap
        case .metrics: nil
        }
        if let unwrap {
            throw QueryError("| unwrap \(unwrap.field) belongs in a metric query, like "
                + "sum_over_time({…} | unwrap \(unwrap.field) [5m])", at: position)
        }
    }

    /// A braced selector and what follows it: a log pipeline, or span structure and trace aggregates; a
    /// selector with a metric name is returned as a metric selector with nothing after it consumed.
    mutating func bracedSelector() throws(QueryError) -> Query {
        let conditions = try braced()
        let isSpans = conditions.joiners.contains { $0 != "," }
            || conditions.items.contains { Self.spanField($0.field) != nil && Self.isSpanOnly($0.field) }
            || startsSpanPipeline
        if isSpans {
            return .spans(try spanQuery(first: conditions))
        }
        var matchers: [LabelMatcher] = []
        for condition in conditions.items { matchers += try streamMatchers(condition) }
        if matchers.contains(where: { $0.name == Labels.metricName }) {
            return .metrics(.vectorSelector(VectorSelector(matchers: matchers)))
        }
        try checkSeverityNames(conditions)
        guard matchers.contains(where: { !$0.matchesEmpty }) else {
            throw QueryError(
                "a selector needs at least one matcher that does not match the empty string, like service=\"cart\"",
                at: conditions.position)
        }
        let (stages, unwrap) = try logPipeline()
        var logs = LogQuery(matchers: matchers, stages: stages, unwrap: unwrap)
        logs.levelLabels = levelLabels
        return .logs(logs)
    }

    // MARK: Conditions inside braces

    /// `field op value`, before its meaning (matcher or span condition) is known.
    struct Condition {
        let field: String
        let op: ComparisonOperator
        let value: QueryValue
        let valueWasBareWord: Bool
        let position: SourcePosition
    }

    struct Conditions {
        var items: [Condition] = []
        /// The separators between items: `,`, `&&` or `||`; `(` groups are not supported yet.
        var joiners: [String] = []
        let position: SourcePosition
    }

    mutating func braced() throws(QueryError) -> Conditions {
        var conditions = Conditions(position: current.position)
        try expect("{", "to open the selector")
        if isSymbol("}") {
            advance()
            return conditions
        }
        while true {
            conditions.items.append(try condition())
            if case .symbol(let symbol) = current.kind, [",", "&&", "||"].contains(symbol) {
                conditions.joiners.append(symbol)
                advance()
                continue
            }
            try expect("}", "or \",\", \"&&\", \"||\" after a condition")
            return conditions
        }
    }

    mutating func condition() throws(QueryError) -> Condition {
        let position = current.position
        guard case .identifier(let field) = current.kind else {
            throw QueryError("expected a label or field name, found \(current.display)", at: position)
        }
        advance()
        guard case .symbol(let symbol) = current.kind, let op = ComparisonOperator(rawValue: symbol) else {
            throw QueryError(
                "expected an operator (=, !=, =~, !~, >, >=, <, <=) after \"\(field)\", found \(current.display)",
                at: current.position)
        }
        advance()
        let value: QueryValue
        var bare = false
        switch current.kind {
        case .string(let text): value = .string(text)
        case .number(let number): value = .number(number)
        case .duration(let nanoseconds): value = .duration(nanoseconds)
        case .bytes(let bytes): value = .bytes(bytes)
        case .identifier(let word):
            value = .string(word)
            bare = true
        default:
            throw QueryError("expected a value after \"\(field) \(symbol)\", found \(current.display)", at: current.position)
        }
        advance()
        return Condition(field: field, op: op, value: value, valueWasBareWord: bare, position: position)
    }

    private func matcher(_ name: String, _ op: LabelMatcher.Operator, _ value: String) throws(QueryError) -> LabelMatcher {
        do {
            return try LabelMatcher(name, op, value)
        } catch {
            throw QueryError("\(error)", at: current.position)
        }
    }

    private func labelMatcher(_ condition: Condition) throws(QueryError) -> LabelMatcher {
        guard case .string(let value) = condition.value, !condition.valueWasBareWord,
            let op = LabelMatcher.Operator(rawValue: condition.op.rawValue)
        else {
            throw QueryError(
                "expected a matcher like \(condition.field)=\"value\" (operators =, !=, =~, !~ with a quoted value)",
                at: condition.position)
        }
        do {
            return try LabelMatcher(condition.field, op, value)
        } catch {
            throw QueryError("\(error)", at: condition.position)
        }
    }

    /// Stream matchers, plus `severity >= "warn"` style comparisons turned into a matcher on the level names.
    /// `level` and `detected_level` (Loki's names, which Grafana writes) select on the severity too.
    private func streamMatchers(_ condition: Condition) throws(QueryError) -> [LabelMatcher] {
        if condition.field == "service_name" {
            // Loki's name for the service (its push and OTLP ingestion add it); Lumen's stream label is `service`.
            return try streamMatchers(Condition(
                field: "service", op: condition.op, value: condition.value, valueWasBareWord: condition.valueWasBareWord,
                position: condition.position))
        }
        if Self.severityAliases.contains(condition.field) {
            let severity = Condition(
                field: "severity", op: condition.op, value: Self.severityName(condition.value),
                valueWasBareWord: condition.valueWasBareWord, position: condition.position)
            return try streamMatchers(severity)
        }
        switch condition.op {
        case .greater, .greaterOrEqual, .less, .lessOrEqual:
            guard condition.field == "severity" else {
                throw QueryError(
                    "only severity can be compared with \(condition.op.rawValue) in a log selector "
                        + "(like severity>=\"warn\")", at: condition.position)
            }
            let level = try severityLevel(condition)
            let levels = Severity.Level.allCases.filter { candidate in
                switch condition.op {
                case .greater: candidate > level
                case .greaterOrEqual: candidate >= level
                case .less: candidate < level
                default: candidate <= level
                }
            }
            let pattern = levels.map(\.name).joined(separator: "|")
            return [try matcher("severity", .matchesRegex, pattern.isEmpty ? "$^" : pattern)]
        default:
            if condition.field == "severity", case .string(let name) = condition.value,
                let level = Severity.Level(name: name), condition.op == .equal || condition.op == .notEqual
            {
                return [try matcher("severity", condition.op == .equal ? .equal : .notEqual, level.name)]
            }
            return [try labelMatcher(condition)]
        }
    }

    /// Loki's names for the severity label.
    public static let severityAliases: Set<String> = ["level", "detected_level"]

    /// Loki's `unknown` level is Lumen's `unspecified`; regular expressions are kept as written.
    private static func severityName(_ value: QueryValue) -> QueryValue {
        if case .string(let name) = value, name.lowercased() == "unknown" { return .string("unspecified") }
        return value
    }

    func spanCondition(_ conditions: Conditions) throws(QueryError) -> SpanCondition {
        // `&&` binds tighter than `||`: split on `||` first.
        var alternatives: [[SpanCondition]] = [[]]
        for (offset, item) in conditions.items.enumerated() {
            alternatives[alternatives.count - 1].append(try spanComparison(item))
            if offset < conditions.joiners.count {
                switch conditions.joiners[offset] {
                case "||": alternatives.append([])
                case "&&": break
                default:
                    throw QueryError("span selectors join conditions with && or ||, not \",\"", at: conditions.position)
                }
            }
        }
        guard !alternatives[0].isEmpty else {
            throw QueryError("an empty span selector matches nothing; add a condition like duration > 1s",
                at: conditions.position)
        }
        let conjunctions = alternatives.map { group in group.dropFirst().reduce(group[0]) { .and($0, $1) } }
        return conjunctions.dropFirst().reduce(conjunctions[0]) { .or($0, $1) }
    }

    private func spanComparison(_ condition: Condition) throws(QueryError) -> SpanCondition {
        guard let field = Self.spanField(condition.field) else {
            throw QueryError(
                "unknown span field \"\(condition.field)\": use service, name, kind, status, statusMessage, "
                    + "duration, span.<attribute> or resource.<attribute>", at: condition.position)
        }
        if field == .duration, case .string = condition.value {
            throw QueryError("duration compares with a duration like 500ms", at: condition.position)
        }
        if case .string(let text) = condition.value, [.matchesRegex, .notMatchesRegex].contains(condition.op) {
            _ = try UnanchoredRegex(text)
        }
        return .compare(field, condition.op, condition.value)
    }

    static func spanField(_ name: String) -> SpanField? {
        switch name {
        case "service", "resource.service.name": .service
        case "name": .name
        case "kind": .kind
        case "status": .status
        case "statusMessage": .statusMessage
        case "duration": .duration
        default:
            if name.hasPrefix("span.") { .spanAttribute(String(name.dropFirst(5))) }
            else if name.hasPrefix("resource.") { .resourceAttribute(String(name.dropFirst(9))) }
            else { nil }
        }
    }

    /// Fields that exist on spans and not as log stream labels; `resource.service.name` is the way to say
    /// "spans of this service" with one condition.
    private static func isSpanOnly(_ name: String) -> Bool {
        name != "service"
    }
}
