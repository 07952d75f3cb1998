import LumenModel

/// What may follow a span selector: structural operators (`>>`, `>`), trace aggregates (`| count() > 3`) and,
/// in a metric query, `| unwrap duration`.
extension Parser {
    /// Whether what follows a braced selector makes it a span query even though its conditions alone would
    /// read as a log stream selector (`{service="a"} >> {service="b"}`).
    var startsSpanPipeline: Bool {
        if isSymbol(">>") || (isSymbol(">") && next == .symbol("{")) { return true }
        guard isSymbol("|"), case .identifier(let word) = next else { return false }
        return TraceAggregate.Function(rawValue: word) != nil
    }

    mutating func spanQuery(first: Conditions) throws(QueryError) -> SpanQuery {
        var spans = SpanSet.selector(try checkedSpanCondition(first))
        var chained = 0
        while isSymbol(">>") || (isSymbol(">") && next == .symbol("{")) {
            chained += 1
            try checkNesting(chained: chained)
            let descendant = isSymbol(">>")
            advance()
            let rhs = SpanSet.selector(try checkedSpanCondition(try braced()))
            spans = descendant ? .descendant(spans, rhs) : .child(spans, rhs)
        }
        var query = SpanQuery(spans: spans)
        while isSymbol("|") {
            advance()
            guard case .identifier(let word) = current.kind else {
                throw QueryError("expected count(), avg(…), min(…), max(…), sum(…) or unwrap after \"|\", found "
                    + current.display, at: current.position)
            }
            if word == "unwrap" {
                guard query.unwrap == nil else { throw QueryError("only one | unwrap per query", at: current.position) }
                query.unwrap = try unwrapClause()
                guard Self.spanField(query.unwrap!.field) != nil else {
                    throw QueryError("unwrap takes duration, span.<attribute> or resource.<attribute> on spans",
                        at: current.position)
                }
                continue
            }
            query.aggregates.append(try traceAggregate(word))
        }
        return query
    }

    private mutating func traceAggregate(_ word: String) throws(QueryError) -> TraceAggregate {
        let position = current.position
        guard let function = TraceAggregate.Function(rawValue: word) else {
            throw QueryError("unknown trace aggregate \"\(word)\": use count(), avg, min, max or sum of a field",
                at: position)
        }
        advance()
        try expect("(", "after \(word)")
        var field: SpanField?
        if function != .count {
            guard case .identifier(let name) = current.kind, let known = Self.spanField(name),
                ![.service, .name, .kind, .status, .statusMessage].contains(known)
            else {
                throw QueryError("\(word)(…) takes duration or a numeric span./resource. attribute, found "
                    + current.display, at: current.position)
            }
            field = known
            advance()
        }
        try expect(")", "to close \(word)(")
        guard case .symbol(let symbol) = current.kind, let op = ComparisonOperator(rawValue: symbol),
            ![.matchesRegex, .notMatchesRegex].contains(op)
        else {
            throw QueryError("expected a comparison (=, !=, >, >=, <, <=) after \(word)(…), found \(current.display)",
                at: current.position)
        }
        advance()
        let value: QueryValue
        switch current.kind {
        case .number(let number): value = .number(number)
        case .duration(let nanoseconds): value = .duration(nanoseconds)
        case .bytes(let bytes): value = .bytes(bytes)
        default:
            throw QueryError("expected a number or a duration after \(word)(…) \(symbol), found \(current.display)",
                at: current.position)
        }
        if field == .duration { try Self.checkDuration(value, of: "\(word)(duration)", at: current.position) }
        advance()
        return TraceAggregate(function, field, op, value)
    }
}
