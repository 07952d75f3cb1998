/// The parse tree of a rule template, shaped as Go's `text/template/parse` nodes. `position` is the UTF-8
/// offset of the node in the parsed text; `description` prints a node the way Go's `String()` does, which
/// execution errors quote.
indirect enum TemplateNode: Sendable {
    case text(String)
    case action(TemplatePipeline)
    case ifBlock(TemplateControl)
    case rangeBlock(TemplateControl)
    case withBlock(TemplateControl)
    case breakLoop(position: Int)
    case continueLoop(position: Int)
}

/// `{{if}}`, `{{range}}` and `{{with}}`: a pipeline, a body, and the `{{else}}` body if there is one.
struct TemplateControl: Sendable {
    var pipeline: TemplatePipeline
    var body: [TemplateNode]
    var elseBody: [TemplateNode]?
}

/// Commands joined by `|`, optionally declaring (`$x :=`) or assigning (`$x =`) variables.
struct TemplatePipeline: Sendable, CustomStringConvertible {
    var position: Int
    var declarations: [String] = []
    var isAssignment = false
    var commands: [TemplateCommand] = []

    var description: String {
        var text = ""
        if !declarations.isEmpty {
            text = declarations.joined(separator: ", ") + (isAssignment ? " = " : " := ")
        }
        return text + commands.map(\.description).joined(separator: " | ")
    }
}

/// One stage of a pipeline: a function, field, variable or constant and its arguments.
struct TemplateCommand: Sendable, CustomStringConvertible {
    var position: Int
    var arguments: [TemplateArgument]

    var description: String {
        arguments.map { argument in
            if case .pipeline(let pipeline, _) = argument { "(\(pipeline))" } else { argument.description }
        }.joined(separator: " ")
    }
}

/// An operand inside an action.
indirect enum TemplateArgument: Sendable, CustomStringConvertible {
    /// `.` itself.
    case dot(position: Int)
    /// `.A.B`: fields of dot.
    case field([String], position: Int)
    /// `$x.A.B`: a variable and its fields (`$` alone is the data root).
    case variable(String, fields: [String], position: Int)
    /// A function's name.
    case identifier(String, position: Int)
    /// `(pipeline).A.B`: a parenthesised pipeline, optionally followed by fields.
    case pipeline(TemplatePipeline, fields: [String])
    /// A string constant: its value and its source text (with quotes).
    case string(String, quoted: String, position: Int)
    case number(TemplateNumber, position: Int)
    case bool(Bool, position: Int)
    case null(position: Int)

    var position: Int {
        switch self {
        case .dot(let position), .field(_, let position), .variable(_, _, let position),
             .identifier(_, let position), .string(_, _, let position), .number(_, let position),
             .bool(_, let position), .null(let position): position
        case .pipeline(let pipeline, _): pipeline.position
        }
    }

    var description: String {
        switch self {
        case .dot: "."
        case .field(let fields, _): fields.map { "." + $0 }.joined()
        case .variable(let name, let fields, _): name + fields.map { "." + $0 }.joined()
        case .identifier(let name, _): name
        case .pipeline(let pipeline, let fields): "(\(pipeline))" + fields.map { "." + $0 }.joined()
        case .string(_, let quoted, _): quoted
        case .number(let number, _): number.text
        case .bool(let value, _): value ? "true" : "false"
        case .null: "nil"
        }
    }
}
