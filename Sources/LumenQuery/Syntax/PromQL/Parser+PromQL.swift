import LumenModel

/// PromQL expressions by precedence climbing, over the same tokens as the rest of the language.
///
/// Precedence, lowest first: `or`; `and unless`; comparisons; `+ -`; `* / % atan2`; `^` (right-associative).
/// Unary minus binds looser than `^`, so `-2 ^ 2` is `-(2 ^ 2)`, as in Prometheus.
extension Parser {
    static let aggregationOperators: Set<String> = [
        "sum", "avg", "min", "max", "count", "group", "stddev", "stdvar", "topk", "bottomk", "quantile",
        "count_values", "limitk", "limit_ratio",
    ]
    static let parameterizedAggregations: Set<String> = [
        "topk", "bottomk", "quantile", "count_values", "limitk", "limit_ratio",
    ]

    /// PromQL's keywords (`by`, `on`, `bool`, `offset` …) are case-insensitive.
    func isKeyword(_ keyword: String) -> Bool {
        if case .identifier(let word) = current.kind { return word.lowercased() == keyword }
        return false
    }

    mutating func promQLExpression(minimumPrecedence: Int = 0) throws(QueryError) -> Expr {
        nesting += 1
        defer { nesting -= 1 }
        try checkNesting()
        var lhs = try unaryExpression()
        var chained = 0
        while let op = binaryOperator(), op.precedence >= minimumPrecedence {
            chained += 1
            try checkNesting(chained: chained)
            let position = current.position
            advance()
            var binary = BinaryExpr(op: op, lhs: lhs, rhs: .number(0))
            if isKeyword("bool") {
                guard op.isComparison else {
                    throw QueryError("bool modifier can only be used on comparison operators", at: current.position)
                }
                binary.returnBool = true
                advance()
            }
            binary.matching = try vectorMatching(op)
            binary.rhs = try promQLExpression(
                minimumPrecedence: op.isRightAssociative ? op.precedence : op.precedence + 1)
            try Self.check(binary, at: position)
            lhs = .binary(binary)
        }
        return lhs
    }

    private func binaryOperator() -> BinaryExpr.Operator? {
        switch current.kind {
        case .symbol(let text): BinaryExpr.Operator(rawValue: text)
        case .identifier(let word): ["and", "or", "unless", "atan2"].contains(word.lowercased())
            ? BinaryExpr.Operator(rawValue: word.lowercased()) : nil
        default: nil
        }
    }

    private mutating func vectorMatching(_ op: BinaryExpr.Operator) throws(QueryError) -> BinaryExpr.Matching? {
        guard isKeyword("on") || isKeyword("ignoring") else {
            if isKeyword("group_left") || isKeyword("group_right") {
                throw QueryError("group_left and group_right must follow on(…) or ignoring(…)", at: current.position)
            }
            return nil
        }
        let on = isKeyword("on")
        advance()
        var matching = BinaryExpr.Matching(on: on, labels: try labelList())
        if isKeyword("group_left") || isKeyword("group_right") {
            let group = isKeyword("group_left") ? "group_left" : "group_right"
            guard !op.isSetOperator else {
                throw QueryError("no grouping allowed for \"\(op.rawValue)\" operation", at: current.position)
            }
            advance()
            let include = isSymbol("(") ? try labelList() : []
            matching.cardinality = group == "group_left" ? .manyToOne(include) : .oneToMany(include)
        }
        return matching
    }

    /// `( name, … )`; keywords are fine as label names here.
    mutating func labelList() throws(QueryError) -> [String] {
        try expect("(", "to open a label list")
        var names: [String] = []
        while !isSymbol(")") {
            switch current.kind {
            case .identifier(let name), .string(let name): names.append(name)
            default: throw QueryError("expected a label name, found \(current.display)", at: current.position)
            }
            advance()
            if isSymbol(",") { advance() } else { break }
        }
        try expect(")", "to close the label list")
        return names
    }

    private mutating func unaryExpression() throws(QueryError) -> Expr {
        if isSymbol("-") || isSymbol("+") {
            let negate = isSymbol("-")
            advance()
            // Only `^` binds tighter than a unary sign.
            let operand = try promQLExpression(minimumPrecedence: BinaryExpr.Operator.power.precedence)
            if case .number(let value) = operand { return .number(negate ? -value : value) }
            guard operand.type == .scalar || operand.type == .vector else {
                throw QueryError("unary expression only allowed on expressions of type scalar or instant vector",
                    at: current.position)
            }
            return .unary(negate: negate, operand)
        }
        return try postfixExpression()
    }

    /// A primary expression with its ranges, subqueries, `offset` and `@`.
    private mutating func postfixExpression() throws(QueryError) -> Expr {
        var expr = try primaryExpression()
        while true {
            let position = current.position
            if isSymbol("[") {
                advance()
                let range = try durationValue("a range like 5m")
                if isSymbol(":") {
                    advance()
                    let step = isSymbol("]") ? nil : try durationValue("a subquery step like 1m")
                    try expect("]", "to close the subquery")
                    guard expr.type == .vector else {
                        throw QueryError("subquery is only allowed on instant vector, got \(expr.type.displayName)",
                            at: position)
                    }
                    expr = .subquery(expr, range: range, step: step, modifiers: TimeModifiers())
                    continue
                }
                try expect("]", "to close the range")
                guard case .vectorSelector(let selector) = expr, selector.modifiers == TimeModifiers() else {
                    throw QueryError(
                        "ranges are only allowed for instant vector selectors (without offset or @)", at: position)
                }
                expr = .matrixSelector(selector, range: range)
            } else if isKeyword("offset") {
                advance()
                var sign: Int64 = 1
                if isSymbol("-") { sign = -1; advance() } else if isSymbol("+") { advance() }
                let offset = sign * (try durationValue("a duration after offset"))
                expr = try modifying(expr, at: position) { modifiers throws(QueryError) in
                    guard modifiers.offset == 0 else { throw QueryError("offset may not be set multiple times", at: position) }
                    modifiers.offset = offset
                }
            } else if isSymbol("@") {
                advance()
                let at = try atValue()
                expr = try modifying(expr, at: position) { modifiers throws(QueryError) in
                    guard modifiers.at == nil else { throw QueryError("@ may not be set multiple times", at: position) }
                    modifiers.at = at
                }
            } else {
                return expr
            }
        }
    }

    private func modifying(
        _ expr: Expr, at position: SourcePosition, _ change: (inout TimeModifiers) throws(QueryError) -> Void
    ) throws(QueryError) -> Expr {
        switch expr {
        case .vectorSelector(var selector):
            try change(&selector.modifiers)
            return .vectorSelector(selector)
        case .matrixSelector(var selector, let range):
            try change(&selector.modifiers)
            return .matrixSelector(selector, range: range)
        case .subquery(let inner, let range, let step, var modifiers):
            try change(&modifiers)
            return .subquery(inner, range: range, step: step, modifiers: modifiers)
        case .telemetryRange(var range):
            try change(&range.modifiers)
            return .telemetryRange(range)
        default:
            throw QueryError(
                "offset and @ must follow an instant vector selector, a range vector selector or a subquery",
                at: position)
        }
    }

    private mutating func atValue() throws(QueryError) -> TimeModifiers.At {
        if case .identifier(let name) = current.kind, name.lowercased() == "start" || name.lowercased() == "end" {
            let word = name.lowercased()
            advance()
            try expect("(", "after \(word)")
            try expect(")", "after \(word)(")
            return word == "start" ? .start : .end
        }
        var sign = 1.0
        if isSymbol("-") { sign = -1; advance() } else if isSymbol("+") { advance() }
        let position = current.position
        let time: Int64?
        switch current.kind {
        case .number(let seconds):
            // Prometheus keeps milliseconds: `@ 1.0005` is 1.001 s.
            time = ClientTime.instant(seconds: (sign * seconds * 1000).rounded() / 1000)
        case .duration(let nanoseconds):
            time = ClientTime.instant(nanoseconds: sign < 0 ? -nanoseconds : nanoseconds)
        default:
            throw QueryError("expected a timestamp, start() or end() after @, found \(current.display)",
                at: current.position)
        }
        advance()
        guard let time else {
            throw QueryError("timestamp out of bounds for @ modifier: times must be \(ClientTime.instantsText)",
                at: position)
        }
        return .time(time)
    }

    /// A duration, or a plain number of seconds.
    private mutating func durationValue(_ what: String) throws(QueryError) -> Int64 {
        let position = current.position
        let nanoseconds: Int64?
        switch current.kind {
        case .duration(let given): nanoseconds = ClientTime.duration(nanoseconds: given)
        case .number(let seconds) where seconds >= 0: nanoseconds = ClientTime.duration(seconds: seconds)
        default: throw QueryError("expected \(what), found \(current.display)", at: position)
        }
        advance()
        guard let nanoseconds else {
            throw QueryError("\(what) is out of range: durations are \(ClientTime.durationsText)", at: position)
        }
        return nanoseconds
    }

    private mutating func primaryExpression() throws(QueryError) -> Expr {
        let position = current.position
        switch current.kind {
        case .number(let value):
            advance()
            return .number(value)
        case .duration(let nanoseconds):
            advance()
            return .number(Double(nanoseconds) / 1e9)
        case .string(let text):
            advance()
            return .string(text)
        case .symbol("("):
            advance()
            let inner = try promQLExpression()
            try expect(")", "to close the parenthesis")
            return .parenthesized(inner)
        case .symbol("{"):
            if native { return try bracedInExpression(at: position) }
            return .vectorSelector(try selector(name: nil, at: position))
        case .identifier(let word):
            let lower = word.lowercased()
            if lower == "inf" || lower == "nan" {
                advance()
                return .number(lower == "inf" ? .infinity : .nan)
            }
            let next = index + 1 < tokens.count ? tokens[index + 1].kind : .end
            let nextWord: String? = if case .identifier(let text) = next { text.lowercased() } else { nil }
            if Self.aggregationOperators.contains(lower),
                next == .symbol("(") || nextWord == "by" || nextWord == "without"
            {
                advance()
                return .aggregation(try aggregation(lower, at: position))
            }
            if next == .symbol("(") {
                advance()
                return try call(word, at: position)
            }
            advance()
            return .vectorSelector(try selector(name: word, at: position))
        default:
            throw QueryError("expected an expression, found \(current.display)", at: position)
        }
    }

    mutating func selector(name: String?, at position: SourcePosition) throws(QueryError) -> VectorSelector {
        var matchers: [LabelMatcher] = []
        if let name { matchers.append(try promMatcher(Labels.metricName, .equal, name, at: position)) }
        if isSymbol("{") {
            advance()
            while !isSymbol("}") {
                let matcherPosition = current.position
                let label: String
                switch current.kind {
                case .identifier(let text): label = text
                case .string(let text):
                    advance()
                    // `{"metric.name"}`: a quoted name on its own is the metric name.
                    if isSymbol(",") || isSymbol("}") {
                        matchers.append(try promMatcher(Labels.metricName, .equal, text, at: matcherPosition))
                        if isSymbol(",") { advance() }
                        continue
                    }
                    index -= 1
                    label = text
                default:
                    throw QueryError("expected a label matcher, found \(current.display)", at: matcherPosition)
                }
                advance()
                guard case .symbol(let symbol) = current.kind, let op = LabelMatcher.Operator(rawValue: symbol) else {
                    throw QueryError("expected a matching operator (=, !=, =~, !~) after \"\(label)\", found "
                        + current.display, at: current.position)
                }
                advance()
                guard case .string(let value) = current.kind else {
                    throw QueryError("expected a quoted label value, found \(current.display)", at: current.position)
                }
                advance()
                matchers.append(try promMatcher(label, op, value, at: matcherPosition))
                if isSymbol(",") { advance() } else { break }
            }
            try expect("}", "to close the selector")
        }
        let names = matchers.filter { $0.name == Labels.metricName && $0.op == .equal }
        if name != nil, names.count > 1 {
            throw QueryError("metric name must not be set twice", at: position)
        }
        guard matchers.contains(where: { !$0.matchesEmpty }) else {
            throw QueryError("vector selector must contain at least one non-empty matcher", at: position)
        }
        return VectorSelector(matchers: matchers)
    }

    private func promMatcher(
        _ name: String, _ op: LabelMatcher.Operator, _ value: String, at position: SourcePosition
    ) throws(QueryError) -> LabelMatcher {
        do {
            return try LabelMatcher(name, op, value)
        } catch {
            throw QueryError("\(error)", at: position)
        }
    }

    private mutating func aggregation(_ op: String, at position: SourcePosition) throws(QueryError) -> Aggregation {
        var grouping = try groupingClause()
        try expect("(", "to open the arguments of \(op)")
        var arguments: [Expr] = []
        while !isSymbol(")") {
            arguments.append(try promQLExpression())
            if isSymbol(",") { advance() } else { break }
        }
        try expect(")", "to close the arguments of \(op)")
        if let after = try groupingClause() {
            guard grouping == nil else { throw QueryError("grouping given twice for \(op)", at: position) }
            grouping = after
        }
        let wanted = Self.parameterizedAggregations.contains(op) ? 2 : 1
        guard arguments.count == wanted else {
            throw QueryError("\(op) expects \(wanted) argument\(wanted == 1 ? "" : "s"), got \(arguments.count)",
                at: position)
        }
        let expr = arguments[arguments.count - 1]
        guard expr.type == .vector else {
            throw QueryError("expected type instant vector in aggregation expression, got \(expr.type.displayName)",
                at: position)
        }
        let parameter = wanted == 2 ? arguments[0] : nil
        if let parameter {
            let expected: ValueType = op == "count_values" ? .string : .scalar
            guard parameter.type == expected else {
                throw QueryError("expected type \(expected.displayName) in aggregation parameter, got "
                    + parameter.type.displayName, at: position)
            }
        }
        return Aggregation(op: op, grouping: grouping ?? .by([]), parameter: parameter, expr: expr)
    }

    private mutating func groupingClause() throws(QueryError) -> Aggregation.Grouping? {
        guard isKeyword("by") || isKeyword("without") else { return nil }
        let by = isKeyword("by")
        advance()
        let labels = try labelList()
        return by ? .by(labels) : .without(labels)
    }

    private mutating func call(_ name: String, at position: SourcePosition) throws(QueryError) -> Expr {
        guard let signature = PromQLFunctions.signature(name) ?? (native ? TelemetryRange.signature(name) : nil)
        else {
            throw QueryError("unknown function with name \"\(name)\"", at: position)
        }
        try expect("(", "to open the arguments of \(name)")
        var arguments: [Expr] = []
        while !isSymbol(")") {
            arguments.append(try promQLExpression())
            if isSymbol(",") { advance() } else { break }
        }
        try expect(")", "to close the arguments of \(name)")
        if native { try telemetryCall(name, &arguments, at: position) }
        try signature.check(name, arguments, at: position)
        return .call(name: name, arguments: arguments)
    }

    /// Type rules Prometheus checks before running anything.
    private static func check(_ binary: BinaryExpr, at position: SourcePosition) throws(QueryError) {
        let lhs = binary.lhs.type
        let rhs = binary.rhs.type
        for side in [lhs, rhs] where side != .scalar && side != .vector {
            throw QueryError("binary expression must contain only scalar and instant vector types", at: position)
        }
        if binary.op.isComparison, lhs == .scalar, rhs == .scalar, !binary.returnBool {
            throw QueryError("comparisons between scalars must use BOOL modifier", at: position)
        }
        if binary.op.isSetOperator, lhs == .scalar || rhs == .scalar {
            throw QueryError("set operator \"\(binary.op.rawValue)\" not allowed in binary scalar expression",
                at: position)
        }
        if binary.matching != nil, lhs == .scalar || rhs == .scalar {
            throw QueryError("vector matching only allowed between instant vectors", at: position)
        }
        if let matching = binary.matching, matching.on, case .manyToOne(let include) = matching.cardinality,
            let shared = include.first(where: matching.labels.contains)
        {
            throw QueryError("label \"\(shared)\" must not occur in ON and GROUP clause at once", at: position)
        }
        if let matching = binary.matching, matching.on, case .oneToMany(let include) = matching.cardinality,
            let shared = include.first(where: matching.labels.contains)
        {
            throw QueryError("label \"\(shared)\" must not occur in ON and GROUP clause at once", at: position)
        }
    }
}
