/// Builds the parse tree of a template from its items, as Go's `text/template/parse` does, with its checks
/// and its error messages: an unknown function, an undefined variable, an `{{end}}` too many or too few
/// are errors before anything is evaluated.
struct TemplateParser {
    private let items: [TemplateLexer.Item]
    private var index = 0
    private let functions: Set<String>
    /// Variables in scope, innermost last (`$` is always the first).
    private var variables: [String]
    private var rangeDepth = 0

    init(items: [TemplateLexer.Item], functions: Set<String>, predeclared: [String]) {
        self.items = items
        self.functions = functions
        variables = ["$"] + predeclared
    }

    /// The whole template; throws `TemplateSyntaxError` (message and offset).
    mutating func parse() throws(TemplateSyntaxError) -> [TemplateNode] {
        var nodes: [TemplateNode] = []
        while peek.kind != .eof {
            switch try textOrAction() {
            case .node(let node): nodes.append(node)
            case .end(let position): throw TemplateSyntaxError("unexpected {{end}}", position: position)
            case .else(let position, _): throw TemplateSyntaxError("unexpected {{else}}", position: position)
            case .nothing: break
            }
        }
        return nodes
    }

    private enum Parsed {
        case node(TemplateNode)
        case end(position: Int)
        /// `{{else}}`, or `{{else if …}}` / `{{else with …}}` whose keyword is still to be read.
        case `else`(position: Int, chained: String?)
        case nothing
    }

    private mutating func textOrAction() throws(TemplateSyntaxError) -> Parsed {
        let item = next()
        switch item.kind {
        case .text: return .node(.text(item.text))
        case .leftDelim: return try action()
        default: throw unexpected(item, context: "input")
        }
    }

    private mutating func action() throws(TemplateSyntaxError) -> Parsed {
        let item = nextNonSpace()
        if item.kind == .keyword {
            switch item.text {
            case "if": return .node(.ifBlock(try control(context: "if", allowElseChain: "if")))
            case "range":
                rangeDepth += 1
                defer { rangeDepth -= 1 }
                return .node(.rangeBlock(try control(context: "range", allowElseChain: nil)))
            case "with": return .node(.withBlock(try control(context: "with", allowElseChain: "with")))
            case "end":
                try expect(.rightDelim, context: "end")
                return .end(position: item.position)
            case "else":
                let following = peekNonSpace
                if following.kind == .keyword, following.text == "if" || following.text == "with" {
                    return .else(position: item.position, chained: following.text)
                }
                try expect(.rightDelim, context: "else")
                return .else(position: item.position, chained: nil)
            case "break", "continue":
                guard rangeDepth > 0 else {
                    throw TemplateSyntaxError("{{\(item.text)}} outside {{range}}", position: item.position)
                }
                try expect(.rightDelim, context: item.text)
                return .node(item.text == "break" ? .breakLoop(position: item.position)
                             : .continueLoop(position: item.position))
            default:
                throw TemplateSyntaxError(
                    "{{\(item.text)}} is not supported in rule templates (define and use the text inline)",
                    position: item.position)
            }
        }
        backup()
        return .node(.action(try pipeline(context: "command", end: .rightDelim)))
    }

    /// `if`, `range`, `with`: the pipeline, the body, an optional `{{else}}` body, `{{end}}`. Variables
    /// declared in any of them go out of scope at `{{end}}`.
    private mutating func control(context: String, allowElseChain: String?) throws(TemplateSyntaxError)
        -> TemplateControl {
        let scope = variables.count
        defer { variables.removeLast(variables.count - scope) }
        let pipe = try pipeline(context: context, end: .rightDelim)
        let (body, terminator) = try itemList()
        var elseBody: [TemplateNode]?
        if case .else(_, let chained) = terminator {
            if let chained, chained == allowElseChain {
                // `{{else if x}}` is `{{else}}{{if x}}…{{end}}{{end}}` with one shared `{{end}}`.
                _ = nextNonSpace()
                let nested = try control(context: chained, allowElseChain: allowElseChain)
                elseBody = [chained == "if" ? .ifBlock(nested) : .withBlock(nested)]
            } else if let chained {
                throw TemplateSyntaxError("unexpected \(chained) after else in \(context)", position: peek.position)
            } else {
                let (list, end) = try itemList()
                guard case .end = end else {
                    throw TemplateSyntaxError("expected end; found {{else}}", position: peek.position)
                }
                elseBody = list
            }
        }
        return TemplateControl(pipeline: pipe, body: body, elseBody: elseBody)
    }

    /// Nodes up to the `{{end}}` or `{{else}}` that closes them.
    private mutating func itemList() throws(TemplateSyntaxError) -> ([TemplateNode], Parsed) {
        var nodes: [TemplateNode] = []
        while peekNonSpace.kind != .eof {
            let parsed = try textOrAction()
            switch parsed {
            case .node(let node): nodes.append(node)
            case .end, .else: return (nodes, parsed)
            case .nothing: break
            }
        }
        throw TemplateSyntaxError("unexpected EOF", position: peek.position)
    }

    private mutating func pipeline(context: String, end: TemplateLexer.Kind) throws(TemplateSyntaxError)
        -> TemplatePipeline {
        var pipe = TemplatePipeline(position: peekNonSpace.position)
        // Declarations: `$x :=`, `$x =`, and in a range `$i, $e :=`.
        declarations: while peekNonSpace.kind == .variable {
            let variable = nextNonSpace()
            let following = peekNonSpace
            switch following.kind {
            case .declare, .assign:
                _ = nextNonSpace()
                pipe.isAssignment = following.kind == .assign
                pipe.declarations.append(variable.text)
                if following.kind == .declare { variables.append(variable.text) }
                break declarations
            case .comma:
                _ = nextNonSpace()
                pipe.declarations.append(variable.text)
                variables.append(variable.text)
                if context == "range", pipe.declarations.count < 2 {
                    switch peekNonSpace.kind {
                    case .variable, .rightDelim, .rightParen:
                        continue declarations
                    default:
                        throw TemplateSyntaxError("range can only initialize variables", position: following.position)
                    }
                }
                throw TemplateSyntaxError("too many declarations in \(context)", position: following.position)
            default:
                // Not a declaration: put the variable back (the peeks consumed nothing after it).
                backup()
                break declarations
            }
        }
        while true {
            let item = nextNonSpace()
            if item.kind == end {
                try check(pipe, context: context, position: item.position)
                return pipe
            }
            switch item.kind {
            case .bool, .charConstant, .dot, .field, .identifier, .number, .nilValue, .rawString, .string,
                 .variable, .leftParen:
                backup()
                pipe.commands.append(try command())
            default:
                throw unexpected(item, context: context)
            }
        }
    }

    private func check(_ pipe: TemplatePipeline, context: String, position: Int) throws(TemplateSyntaxError) {
        guard !pipe.commands.isEmpty else { throw TemplateSyntaxError("missing value for \(context)", position: position) }
        for (stage, command) in pipe.commands.enumerated().dropFirst() {
            switch command.arguments.first {
            case .bool, .dot, .null, .number, .string:
                throw TemplateSyntaxError("non executable command in pipeline stage \(stage + 1)", position: command.position)
            default: break
            }
        }
    }

    private mutating func command() throws(TemplateSyntaxError) -> TemplateCommand {
        var command = TemplateCommand(position: peekNonSpace.position, arguments: [])
        while true {
            _ = peekNonSpace
            if let operand = try operand() { command.arguments.append(operand) }
            let item = next()
            switch item.kind {
            case .space: continue
            case .rightDelim, .rightParen: backup()
            case .pipe: break
            default: throw unexpected(item, context: "operand")
            }
            break
        }
        guard !command.arguments.isEmpty else { throw TemplateSyntaxError("empty command", position: command.position) }
        return command
    }

    /// A term and the fields chained after it (`.A.B`, `$x.A`, `(pipeline).A`).
    private mutating func operand() throws(TemplateSyntaxError) -> TemplateArgument? {
        guard let term = try term() else { return nil }
        guard peek.kind == .field else { return term }
        // As in Go, a chained field or variable node sits where its first chained field does.
        let position = peek.position
        var fields: [String] = []
        while peek.kind == .field { fields.append(String(next().text.dropFirst())) }
        switch term {
        case .field(let names, _): return .field(names + fields, position: position)
        case .variable(let name, let names, _): return .variable(name, fields: names + fields, position: position)
        case .pipeline(let pipeline, let names): return .pipeline(pipeline, fields: names + fields)
        case .identifier(let name, let position):
            throw TemplateSyntaxError("unexpected . after term \"\(name)\"", position: position)
        default:
            throw TemplateSyntaxError("unexpected . after term \(TemplateQuoting.quote(term.description))",
                                      position: term.position)
        }
    }

    private mutating func term() throws(TemplateSyntaxError) -> TemplateArgument? {
        let item = nextNonSpace()
        switch item.kind {
        case .identifier:
            guard functions.contains(item.text) else {
                throw TemplateSyntaxError("function \"\(item.text)\" not defined", position: item.position)
            }
            return .identifier(item.text, position: item.position)
        case .dot: return .dot(position: item.position)
        case .nilValue: return .null(position: item.position)
        case .variable:
            guard variables.contains(item.text) else {
                throw TemplateSyntaxError("undefined variable \"\(item.text)\"", position: item.position)
            }
            return .variable(item.text, fields: [], position: item.position)
        case .field: return .field([String(item.text.dropFirst())], position: item.position)
        case .bool: return .bool(item.text == "true", position: item.position)
        case .number:
            guard let number = TemplateNumber(item.text) else {
                throw TemplateSyntaxError("illegal number syntax: \"\(item.text)\"", position: item.position)
            }
            return .number(number, position: item.position)
        case .charConstant:
            guard let number = TemplateNumber(character: item.text) else {
                throw TemplateSyntaxError("malformed character constant: \(item.text)", position: item.position)
            }
            return .number(number, position: item.position)
        case .leftParen:
            return .pipeline(try pipeline(context: "parenthesized pipeline", end: .rightParen), fields: [])
        case .string, .rawString:
            guard let text = try? TemplateQuoting.unquote(item.text) else {
                throw TemplateSyntaxError("bad quoted string: \(item.text)", position: item.position)
            }
            return .string(text, quoted: item.text, position: item.position)
        default:
            backup()
            return nil
        }
    }

    private mutating func expect(_ kind: TemplateLexer.Kind, context: String) throws(TemplateSyntaxError) {
        let item = nextNonSpace()
        guard item.kind == kind else { throw unexpected(item, context: context) }
    }

    private func unexpected(_ item: TemplateLexer.Item, context: String) -> TemplateSyntaxError {
        let shown: String = switch item.kind {
        case .eof: "EOF"
        case .rightDelim: "\"}}\""
        case .leftDelim: "\"{{\""
        case .rightParen: "\")\""
        case .text, .string, .rawString: TemplateQuoting.quote(item.text)
        default: "<\(item.text)>"
        }
        return TemplateSyntaxError("unexpected \(shown) in \(context)", position: item.position)
    }

    private var peek: TemplateLexer.Item { items[index] }

    private var peekNonSpace: TemplateLexer.Item {
        var look = index
        while items[look].kind == .space { look += 1 }
        return items[look]
    }

    private mutating func next() -> TemplateLexer.Item {
        let item = items[index]
        if item.kind != .eof { index += 1 }
        return item
    }

    private mutating func nextNonSpace() -> TemplateLexer.Item {
        var item = next()
        while item.kind == .space { item = next() }
        return item
    }

    private mutating func backup() { index -= 1 }
}

/// A template that does not parse: Go's message and where it is.
struct TemplateSyntaxError: Error {
    var message: String
    var position: Int
    init(_ message: String, position: Int) {
        self.message = message
        self.position = position
    }
}
