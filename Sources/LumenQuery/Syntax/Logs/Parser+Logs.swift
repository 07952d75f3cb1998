import LumenModel

/// The pipeline after a log stream selector: line filters, parsers (`| json`, `| logfmt`, `| regexp`, `| pattern`,
/// `| unpack`), `| decolorize`, label
/// stages (`| line_format`, `| label_format`, `| drop`, `| keep`), field filters and `| unwrap`.
extension Parser {
    mutating func logPipeline() throws(QueryError) -> (stages: [LogStage], unwrap: Unwrap?) {
        var stages: [LogStage] = []
        var unwrap: Unwrap?
        while true {
            if case .symbol(let symbol) = current.kind, let op = LineFilter.Operator(rawValue: symbol) {
                let position = current.position
                advance()
                guard case .string(let value) = current.kind else {
                    throw QueryError("expected a string after \"\(symbol)\", found \(current.display)",
                        at: current.position)
                }
                advance()
                do {
                    stages.append(.line(try LineFilter(op, value)))
                } catch {
                    throw QueryError(error.message, at: position)
                }
                continue
            }
            guard isSymbol("|") else { return (stages, unwrap) }
            advance()
            guard case .identifier(let word) = current.kind else {
                throw QueryError("expected json, logfmt, regexp, pattern, unpack, decolorize, line_format, label_format, "
                    + "drop, keep, unwrap or a field filter (like status >= 500) after \"|\", found \(current.display)", at: current.position)
            }
            switch word {
            case "json":
                advance()
                var extractions: [JSONExtraction] = []
                for extraction in try labelExtractions("json") {
                    do {
                        extractions.append(JSONExtraction(extraction.name, try JSONPath(extraction.expression)))
                    } catch {
                        throw QueryError(error.message, at: extraction.position)
                    }
                }
                stages.append(extractions.isEmpty ? .json : .jsonPaths(extractions))
            case "logfmt":
                advance()
                stages.append(.logfmt(try logfmtOptions()))
            case "regexp":
                advance()
                stages.append(.regexp(try templateText("regexp", LineRegexp.init)))
            case "unpack", "decolorize":
                advance()
                stages.append(word == "unpack" ? .unpack : .decolorize)
            case "pattern":
                advance()
                stages.append(.pattern(try templateText("pattern", LinePattern.init)))
            case "line_format":
                advance()
                stages.append(.lineFormat(try templateText("line_format", LineTemplate.init)))
            case "label_format":
                advance()
                stages.append(.labelFormat(try labelFormats()))
            case "drop", "keep":
                advance()
                let selections = try labelSelections(word)
                stages.append(word == "drop" ? .drop(selections) : .keep(selections))
            case "unwrap":
                guard unwrap == nil else { throw QueryError("only one | unwrap per query", at: current.position) }
                unwrap = try unwrapClause()
            default:
                stages.append(.fields(try fieldFilter()))
            }
        }
    }

    /// `unwrap field`, `unwrap duration(field)`, `unwrap bytes(field)`.
    mutating func unwrapClause() throws(QueryError) -> Unwrap {
        advance()
        guard case .identifier(let word) = current.kind else {
            throw QueryError("expected a field name after unwrap, found \(current.display)", at: current.position)
        }
        advance()
        let conversion: Unwrap.Conversion? = switch word {
        case "duration", "duration_seconds": .duration
        case "bytes": .bytes
        default: nil
        }
        guard let conversion, isSymbol("(") else { return Unwrap(word) }
        advance()
        guard case .identifier(let field) = current.kind else {
            throw QueryError("expected a field name in \(word)(…), found \(current.display)", at: current.position)
        }
        advance()
        try expect(")", "to close \(word)(\(field)")
        return Unwrap(field, conversion: conversion)
    }

    /// Comparisons joined by `and` (or `,`) and `or`; `and` binds tighter, as in LogQL.
    private mutating func fieldFilter() throws(QueryError) -> FieldFilter {
        var alternatives: [FieldFilter] = []
        var conjunction = try fieldComparison()
        while true {
            if isKeyword("and") || (isSymbol(",") && startsComparison(at: index + 1)) {
                advance()
                conjunction = .and(conjunction, try fieldComparison())
            } else if isKeyword("or") {
                advance()
                alternatives.append(conjunction)
                conjunction = try fieldComparison()
            } else {
                alternatives.append(conjunction)
                return alternatives.dropFirst().reduce(alternatives[0]) { .or($0, $1) }
            }
        }
    }

    private func startsComparison(at offset: Int) -> Bool {
        guard offset + 1 < tokens.count, case .identifier = tokens[offset].kind,
            case .symbol(let symbol) = tokens[offset + 1].kind
        else { return false }
        return ComparisonOperator(rawValue: symbol) != nil
    }

    private mutating func fieldComparison() throws(QueryError) -> FieldFilter {
        let condition = try condition()
        if condition.op == .matchesRegex || condition.op == .notMatchesRegex {
            guard case .string(let pattern) = condition.value else {
                throw QueryError("\(condition.op.rawValue) takes a quoted regular expression", at: condition.position)
            }
            do {
                _ = try LabelMatcher(condition.field, .matchesRegex, pattern)
            } catch {
                throw QueryError("\(error)", at: condition.position)
            }
        }
        if condition.field == "severity" || condition.field == "level", case .string = condition.value,
            [.greater, .greaterOrEqual, .less, .lessOrEqual].contains(condition.op)
        {
            _ = try severityLevel(condition)  // compared in level order by the pipeline, so it must name one
        }
        return .compare(field: condition.field, condition.op, condition.value)
    }
}
