import LumenModel

/// Log and span ranges inside PromQL expressions, in the native language only.
extension Parser {
    /// Braces in an expression: a log or span range when a pipeline or `[range]` follows, else a metric
    /// selector as in PromQL (`{job="a"} + 1`).
    mutating func bracedInExpression(at position: SourcePosition) throws(QueryError) -> Expr {
        let start = index
        var failure: QueryError?
        do throws(QueryError) {
            let parsed = try bracedSelector()
            let source: TelemetryRange.Source? = switch parsed {
            case .logs(let logs): .logs(logs)
            case .spans(let spans): .spans(spans)
            default: nil
            }
            if let source {
                if isSymbol("[") { return .telemetryRange(try rangeTail(source)) }
                if index > start, tokens[index - 1].kind != .symbol("}") {
                    throw QueryError("expected a range like [5m] after the pipeline, found \(current.display)",
                        at: current.position)
                }
            }
        } catch {
            failure = error
        }
        index = start
        do throws(QueryError) {
            let selector = try selector(name: nil, at: position)
            // A pipeline that failed to parse says more than PromQL's complaint about the "|" after it.
            if let failure, failure.isDefinite || isSymbol("|") || isSymbol("|=") || isSymbol("|~") || isSymbol("!~") {
                throw failure
            }
            return .vectorSelector(selector)
        } catch {
            throw failure ?? error
        }
    }

    private mutating func rangeTail(_ source: TelemetryRange.Source) throws(QueryError) -> TelemetryRange {
        advance()
        guard case .duration(let range) = current.kind, range > 0, ClientTime.duration(nanoseconds: range) != nil else {
            throw QueryError("expected a range like 5m (\(ClientTime.durationsText)), found \(current.display)",
                at: current.position)
        }
        advance()
        try expect("]", "to close the range")
        return TelemetryRange(source: source, range: range)
    }

    /// After a call's arguments: checks that the function reads its log or span range sensibly, and takes
    /// LogQL's `by (…)`/`without (…)` after the parenthesis.
    mutating func telemetryCall(_ name: String, _ arguments: inout [Expr], at position: SourcePosition)
        throws(QueryError)
    {
        guard let offset = arguments.firstIndex(where: \.isTelemetryRange) else {
            if TelemetryRange.signature(name) != nil, PromQLFunctions.signature(name) == nil {
                throw QueryError("\(name) reads a log range, like \(name)({service=\"cart\"}[1m])", at: position)
            }
            return
        }
        guard case .telemetryRange(var range) = arguments[offset].unwrapped else { return }
        try range.check(name, at: position)
        if isKeyword("by") || isKeyword("without") {
            let by = isKeyword("by")
            advance()
            let labels = try labelList()
            range.grouping = by ? .by(labels) : .without(labels)
        }
        arguments[offset] = .telemetryRange(range)
    }
}
