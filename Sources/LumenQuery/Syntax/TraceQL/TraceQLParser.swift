/// A recursive-descent parser for the TraceQL that Grafana's Tempo data source and its query builder write,
/// over the native lexer. Precedence, lowest first: `|`; `&&` and `||` between spansets (left to right);
/// structural operators; inside braces `||`, then `&&`, then comparisons.
public struct TraceQLParser {
    private var tokens: [Token]
    private var index = 0
    private var depth = 0
    private static let maxDepth = 128

    public static func parse(_ text: String) throws(QueryError) -> TraceQLQuery {
        var parser = TraceQLParser(tokens: try Lexer.tokenize(text))
        let query = try parser.query()
        guard parser.current.kind == .end else {
            throw QueryError("expected end of query, found \(parser.current.display)", at: parser.current.position)
        }
        return query
    }

    /// A TraceQL field name (`resource.service.name`, `.http.method`, `duration`, `span:kind`), as Tempo's tag
    /// endpoints take it; `nil` when it names none.
    public static func field(_ name: String) -> TraceQLField? {
        if let intrinsic = TraceQLIntrinsic(rawValue: name) ?? TraceQLIntrinsic.aliases[name] {
            return .intrinsic(intrinsic)
        }
        for (prefix, scope) in [("span.", TraceQLScope.span), ("resource.", .resource), (".", .unscoped)]
        where name.hasPrefix(prefix) && name.count > prefix.count {
            return .attribute(scope, String(name.dropFirst(prefix.count)))
        }
        return nil
    }

    private init(tokens: [Token]) {
        self.tokens = tokens
    }

    private var current: Token { tokens[index] }
    private var next: Token.Kind { index + 1 < tokens.count ? tokens[index + 1].kind : .end }
    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }
    private func isSymbol(_ symbol: String) -> Bool { current.kind == .symbol(symbol) }

    private mutating func expect(_ symbol: String, _ context: String) throws(QueryError) {
        guard isSymbol(symbol) else {
            throw QueryError("expected \"\(symbol)\" \(context), found \(current.display)", at: current.position)
        }
        advance()
    }

    private mutating func nested() throws(QueryError) {
        depth += 1
        guard depth <= Self.maxDepth else {
            throw QueryError("the query nests deeper than \(Self.maxDepth) levels", at: current.position)
        }
    }

    // MARK: Query and pipeline

    private mutating func query() throws(QueryError) -> TraceQLQuery {
        var query = TraceQLQuery(spansets: try spansets())
        while isSymbol("|") {
            advance()
            let position = current.position
            guard case .identifier(let word) = current.kind else {
                throw QueryError("expected count(), avg(…), select(…) or a metrics function after \"|\", found "
                    + current.display, at: position)
            }
            guard query.metrics == nil else {
                throw QueryError("nothing may follow a metrics function but by (…)", at: position)
            }
            if let function = TraceQLScalarFilter.Function(rawValue: word) {
                query.filters.append(try scalarFilter(function))
            } else if word == "select" {
                advance()
                query.selected += try fieldList("select")
            } else if let function = TraceQLMetrics.Function(rawValue: word) {
                query.metrics = try metrics(function)
            } else {
                throw QueryError("unsupported pipeline stage \"\(word)\": use count(), avg/min/max/sum(…), select(…), "
                    + "rate(), count_over_time(), quantile_over_time(…) or histogram_over_time(…)", at: position)
            }
        }
        if case .identifier("with") = current.kind, next == .symbol("(") { try skipHints() }
        return query
    }

    /// `with(sample=true, …)`: hints about how to compute, which Lumen computes exactly anyway.
    private mutating func skipHints() throws(QueryError) {
        advance()
        try expect("(", "after with")
        while !isSymbol(")") {
            guard current.kind != .end else { throw QueryError("expected \")\" to close with(", at: current.position) }
            advance()
        }
        advance()
    }

    private mutating func scalarFilter(_ function: TraceQLScalarFilter.Function) throws(QueryError)
        -> TraceQLScalarFilter
    {
        advance()
        try expect("(", "after \(function.rawValue)")
        var field: TraceQLField?
        if function != .count { field = try self.field() }
        try expect(")", "to close \(function.rawValue)(")
        guard case .symbol(let symbol) = current.kind, let op = ComparisonOperator(rawValue: symbol),
            ![.matchesRegex, .notMatchesRegex].contains(op)
        else {
            throw QueryError("expected a comparison (=, !=, >, >=, <, <=) after \(function.rawValue)(…), found "
                + current.display, at: current.position)
        }
        advance()
        let value = try literal()
        if case .string = value {
            throw QueryError("\(function.rawValue)(…) compares with a number or a duration", at: current.position)
        }
        return TraceQLScalarFilter(function: function, field: field, op: op, value: value)
    }

    private mutating func metrics(_ function: TraceQLMetrics.Function) throws(QueryError) -> TraceQLMetrics {
        advance()
        try expect("(", "after \(function.rawValue)")
        var metrics = TraceQLMetrics(function: function, field: nil, quantiles: [], by: [])
        if ![.rate, .count_over_time].contains(function) { metrics.field = try field() }
        if function == .quantile_over_time {
            while isSymbol(",") {
                advance()
                guard case .number(let quantile) = current.kind, (0...1).contains(quantile) else {
                    throw QueryError("quantile_over_time takes quantiles between 0 and 1, found \(current.display)",
                        at: current.position)
                }
                metrics.quantiles.append(quantile)
                advance()
            }
            guard !metrics.quantiles.isEmpty else {
                throw QueryError("quantile_over_time(duration, 0.9) needs at least one quantile", at: current.position)
            }
        }
        try expect(")", "to close \(function.rawValue)(")
        if case .identifier("by") = current.kind {
            advance()
            metrics.by = try fieldList("by")
        }
        return metrics
    }

    /// `( field, field, … )`.
    private mutating func fieldList(_ context: String) throws(QueryError) -> [TraceQLField] {
        try expect("(", "after \(context)")
        var fields = [try field()]
        while isSymbol(",") {
            advance()
            fields.append(try field())
        }
        try expect(")", "to close \(context)(")
        return fields
    }

    // MARK: Spansets

    private mutating func spansets() throws(QueryError) -> TraceQLSpansets {
        var result = try structural()
        while isSymbol("&&") || isSymbol("||") {
            let isAnd = isSymbol("&&")
            advance()
            let rhs = try structural()
            result = isAnd ? .and(result, rhs) : .or(result, rhs)
        }
        return result
    }

    private mutating func structural() throws(QueryError) -> TraceQLSpansets {
        var result = try spansetOperand()
        while case .symbol(let symbol) = current.kind, let op = TraceQLStructure(rawValue: symbol) {
            advance()
            result = .structural(op, result, try spansetOperand())
        }
        return result
    }

    private mutating func spansetOperand() throws(QueryError) -> TraceQLSpansets {
        try nested()
        defer { depth -= 1 }
        if isSymbol("(") {
            advance()
            let inner = try spansets()
            try expect(")", "to close the group of spansets")
            return inner
        }
        try expect("{", "to open a spanset filter")
        if isSymbol("}") {
            advance()
            return .filter(nil)
        }
        let condition = try disjunction()
        try expect("}", "or && or || after a condition")
        return .filter(condition)
    }

    // MARK: Conditions inside braces

    private mutating func disjunction() throws(QueryError) -> TraceQLCondition {
        var result = try conjunction()
        while isSymbol("||") {
            advance()
            result = .or(result, try conjunction())
        }
        return result
    }

    private mutating func conjunction() throws(QueryError) -> TraceQLCondition {
        var result = try primary()
        while isSymbol("&&") {
            advance()
            result = .and(result, try primary())
        }
        return result
    }

    private mutating func primary() throws(QueryError) -> TraceQLCondition {
        try nested()
        defer { depth -= 1 }
        if isSymbol("(") {
            advance()
            let inner = try disjunction()
            try expect(")", "to close the group of conditions")
            return inner
        }
        if case .identifier(let word) = current.kind, word == "true" || word == "false" {
            advance()
            return .constant(word == "true")
        }
        let field = try self.field()
        guard case .symbol(let symbol) = current.kind, let op = ComparisonOperator(rawValue: symbol) else {
            throw QueryError("expected an operator (=, !=, =~, !~, >, >=, <, <=) after \(field), found "
                + current.display, at: current.position)
        }
        advance()
        if case .identifier("nil") = current.kind {
            guard op == .equal || op == .notEqual else {
                throw QueryError("nil compares only with = or !=", at: current.position)
            }
            advance()
            return .exists(field, op == .notEqual)
        }
        let position = current.position
        let value = try literal()
        if case .intrinsic(.duration) = field, case .string = value {
            throw QueryError("duration compares with a duration like 500ms", at: position)
        }
        if case .string(let pattern) = value, op == .matchesRegex || op == .notMatchesRegex {
            _ = try UnanchoredRegex(pattern)
        }
        return .compare(field, op, value)
    }

    private mutating func field() throws(QueryError) -> TraceQLField {
        guard case .identifier(let name) = current.kind else {
            throw QueryError("expected a field (an intrinsic like duration, or span.x, resource.x, .x), found "
                + current.display, at: current.position)
        }
        guard let field = Self.field(name) else {
            throw QueryError("unknown field \"\(name)\": use name, kind, status, statusMessage, duration, rootName, "
                + "rootServiceName, traceDuration, span.<attribute>, resource.<attribute> or .<attribute>",
                at: current.position)
        }
        advance()
        return field
    }

    /// A string, number, duration, or a bare word (`error`, `server`, `true`); `-` before a number negates it.
    private mutating func literal() throws(QueryError) -> QueryValue {
        var negative = false
        if isSymbol("-") {
            negative = true
            advance()
        }
        let value: QueryValue
        switch current.kind {
        case .string(let text) where !negative: value = .string(text)
        case .identifier(let word) where !negative: value = .string(word)
        case .number(let number): value = .number(negative ? -number : number)
        case .duration(let nanoseconds): value = .duration(negative ? -nanoseconds : nanoseconds)
        case .bytes(let bytes): value = .bytes(negative ? -bytes : bytes)
        default: throw QueryError("expected a value, found \(current.display)", at: current.position)
        }
        advance()
        return value
    }
}
