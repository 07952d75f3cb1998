import LumenModel

/// The arguments of LogQL's label stages: `| pattern "…"`, `| line_format "…"`, `| label_format a=b, c="…"`,
/// `| drop a, b="x"`, `| keep a, b`, and the parameters of `| json a="b.c"` and `| logfmt --strict a, b="c"`.
extension Parser {
    /// A quoted argument, compiled by `make`; its errors point at the string.
    mutating func templateText<T>(_ stage: String, _ make: (String) throws(QueryError) -> T) throws(QueryError) -> T {
        guard case .string(let text) = current.kind else {
            throw QueryError("expected a quoted string after \(stage), found \(current.display)", at: current.position)
        }
        let position = current.position
        advance()
        do {
            return try make(text)
        } catch {
            throw QueryError(error.message, at: position)
        }
    }

    /// `dst=src` or `dst="template"`, separated by commas.
    mutating func labelFormats() throws(QueryError) -> [LabelFormat] {
        var formats: [LabelFormat] = []
        repeat {
            if !formats.isEmpty { advance() }
            let target = try labelName(after: "label_format")
            try expect("=", "after \(target) in label_format (like \(target)=other or \(target)=\"{{.other}}\")")
            switch current.kind {
            case .identifier(let source):
                advance()
                formats.append(.rename(to: target, from: source))
            case .string:
                formats.append(.template(to: target, try templateText("\(target)=", LineTemplate.init)))
            default:
                throw QueryError("expected a label name or a quoted template after \(target)=, found "
                    + current.display, at: current.position)
            }
        } while isSymbol(",")
        return formats
    }

    /// `name` or `name op "value"`, separated by commas.
    mutating func labelSelections(_ stage: String) throws(QueryError) -> [LabelSelection] {
        var selections: [LabelSelection] = []
        repeat {
            if !selections.isEmpty { advance() }
            let name = try labelName(after: stage)
            guard case .symbol(let symbol) = current.kind, let op = LabelMatcher.Operator(rawValue: symbol) else {
                selections.append(LabelSelection(name))
                continue
            }
            advance()
            guard case .string(let value) = current.kind else {
                throw QueryError("expected a quoted value after \(name)\(symbol) in \(stage), found \(current.display)",
                    at: current.position)
            }
            do {
                selections.append(LabelSelection(name, matcher: try LabelMatcher(name, op, value)))
            } catch {
                throw QueryError("\(error)", at: current.position)
            }
            advance()
        } while isSymbol(",")
        return selections
    }

    /// `--strict`, `--keep-empty`, then `| logfmt`'s optional label extractions.
    mutating func logfmtOptions() throws(QueryError) -> LogfmtOptions {
        var options = LogfmtOptions()
        while isSymbol("-"), tokens[index + 1].kind == .symbol("-") {
            let position = current.position
            advance()
            advance()
            guard case .identifier(let flag) = current.kind else {
                throw QueryError("expected --strict or --keep-empty after logfmt", at: position)
            }
            advance()
            switch flag {
            case "strict":
                options.strict = true
            case "keep" where isSymbol("-") && tokens[index + 1].kind == .identifier("empty"):
                advance()
                advance()
                options.keepEmpty = true
            default:
                throw QueryError("unknown logfmt flag --\(flag): expected --strict or --keep-empty", at: position)
            }
        }
        options.extractions = try labelExtractions("logfmt").map { ($0.name, $0.expression) }
        return options
    }

    /// `name` or `name="expression"`, separated by commas, after `| json` or `| logfmt`; none when no name follows.
    mutating func labelExtractions(_ stage: String) throws(QueryError)
        -> [(name: String, expression: String, position: SourcePosition)]
    {
        guard case .identifier = current.kind else { return [] }
        var extractions: [(name: String, expression: String, position: SourcePosition)] = []
        repeat {
            if !extractions.isEmpty { advance() }
            let position = current.position
            let name = try labelName(after: stage)
            guard isSymbol("=") else {
                extractions.append((name, name, position))
                continue
            }
            advance()
            guard case .string(let expression) = current.kind else {
                throw QueryError("expected a quoted expression after \(name)= in \(stage), found \(current.display)",
                    at: current.position)
            }
            extractions.append((name, expression, current.position))
            advance()
        } while isSymbol(",")
        return extractions
    }

    private mutating func labelName(after stage: String) throws(QueryError) -> String {
        guard case .identifier(let name) = current.kind, LabelName.sanitize(name) == name else {
            throw QueryError("expected a label name in \(stage), found \(current.display)", at: current.position)
        }
        advance()
        return name
    }
}
