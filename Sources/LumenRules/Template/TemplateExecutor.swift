/// Runs a parsed template over a data value, as Go's `text/template/exec.go`: variables in scopes, `.`
/// rebound by `range` and `with`, pipelines passing their value as the last argument of the next command,
/// and errors that say where they happened (`template: NAME:LINE:COL: executing "NAME" at <…>: …`).
struct TemplateExecutor {
    private let name: String
    private let source: [UInt8]
    private let environment: TemplateEnvironment
    private var variables: [(name: String, value: TemplateValue)]
    private var output = ""
    /// The node whose position and text an error reports (Go's `state.node`).
    private var location: (position: Int, context: String)?
    /// Go caps output nowhere; this stops `{{range}}` over a huge list from filling memory.
    private static let maximumOutput = 1 << 20

    init(name: String, source: String, environment: TemplateEnvironment,
         variables: [(name: String, value: TemplateValue)]) {
        self.name = name
        self.source = Array(source.utf8)
        self.environment = environment
        self.variables = variables
    }

    private enum Flow { case normal, breakLoop, continueLoop }

    mutating func run(_ nodes: [TemplateNode], dot: TemplateValue) throws(TemplateExecutionError) -> String {
        _ = try walk(nodes, dot: dot)
        return output
    }

    private mutating func walk(_ nodes: [TemplateNode], dot: TemplateValue) throws(TemplateExecutionError) -> Flow {
        for node in nodes {
            let flow = try walk(node, dot: dot)
            if flow != .normal { return flow }
        }
        return .normal
    }

    private mutating func walk(_ node: TemplateNode, dot: TemplateValue) throws(TemplateExecutionError) -> Flow {
        switch node {
        case .text(let text):
            try write(text)
        case .action(let pipeline):
            let value = try evaluate(pipeline, dot: dot)
            if pipeline.declarations.isEmpty { try write(value == .null ? "<no value>" : GoFormat.value(value)) }
        case .ifBlock(let control), .withBlock(let control):
            let isWith = if case .withBlock = node { true } else { false }
            let scope = variables.count
            defer { variables.removeLast(variables.count - scope) }
            let value = try evaluate(control.pipeline, dot: dot)
            if value.isTrue {
                return try walk(control.body, dot: isWith ? value : dot)
            } else if let elseBody = control.elseBody {
                return try walk(elseBody, dot: dot)
            }
        case .rangeBlock(let control):
            return try range(control, dot: dot)
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        }
        return .normal
    }

    private mutating func range(_ control: TemplateControl, dot: TemplateValue) throws(TemplateExecutionError) -> Flow {
        let scope = variables.count
        defer { variables.removeLast(variables.count - scope) }
        at(control.pipeline.position, control.pipeline.description)
        let value = try evaluate(control.pipeline, dot: dot)
        var elements: [(key: TemplateValue, element: TemplateValue)] = []
        switch value {
        case .list(let list): elements = list.enumerated().map { (.int($0.offset), $0.element) }
        case .labels(let labels): elements = labels.keys.sorted(by: Self.goOrder).map { (.string($0), .string(labels[$0]!)) }
        case .map(let map): elements = map.keys.sorted(by: Self.goOrder).map { (.string($0), map[$0]!) }
        case .int(let count): elements = (0..<max(0, count)).map { (.int($0), .int($0)) }
        case .null: break
        default: throw error("range can't iterate over \(GoFormat.value(value))")
        }
        let declarations = control.pipeline.declarations
        for (key, element) in elements {
            // Declared loop variables are the innermost ones: the element last, the key before it.
            if declarations.count == 1 {
                setVariable(declarations[0], element, declaredHere: !control.pipeline.isAssignment)
            } else if declarations.count == 2 {
                setVariable(declarations[0], key, declaredHere: !control.pipeline.isAssignment)
                setVariable(declarations[1], element, declaredHere: !control.pipeline.isAssignment)
            }
            let iterationScope = variables.count
            let flow = try walk(control.body, dot: element)
            variables.removeLast(variables.count - iterationScope)
            if flow == .breakLoop { break }
        }
        if elements.isEmpty, let elseBody = control.elseBody {
            return try walk(elseBody, dot: dot)
        }
        return .normal
    }

    /// Go sorts map keys by byte order.
    private static func goOrder(_ a: String, _ b: String) -> Bool { Array(a.utf8).lexicographicallyPrecedes(b.utf8) }

    private mutating func setVariable(_ name: String, _ value: TemplateValue, declaredHere: Bool) {
        // `:=` variables of a range were pushed by its pipeline; the iteration overwrites the newest of that
        // name. `=` assigns the innermost existing variable.
        if let index = variables.lastIndex(where: { $0.name == name }) {
            variables[index].value = value
        } else if declaredHere {
            variables.append((name, value))
        }
    }

    private mutating func evaluate(_ pipeline: TemplatePipeline, dot: TemplateValue) throws(TemplateExecutionError)
        -> TemplateValue {
        at(pipeline.position, pipeline.description)
        var value: TemplateValue?
        for command in pipeline.commands {
            value = try evaluate(command, dot: dot, final: value)
        }
        let result = value ?? .null
        for declaration in pipeline.declarations {
            if pipeline.isAssignment {
                setVariable(declaration, result, declaredHere: false)
            } else {
                variables.append((declaration, result))
            }
        }
        return result
    }

    private mutating func evaluate(_ command: TemplateCommand, dot: TemplateValue, final: TemplateValue?)
        throws(TemplateExecutionError) -> TemplateValue {
        let first = command.arguments[0]
        let arguments = command.arguments.dropFirst()
        switch first {
        case .identifier(let name, _):
            return try call(name, command: command, arguments: Array(arguments), dot: dot, final: final)
        case .field(let fields, let position):
            at(position, first.description)
            try notAFunction(command, final: final)
            return try fieldChain(dot, fields)
        case .variable(let name, let fields, let position):
            at(position, first.description)
            try notAFunction(command, final: final)
            return try fieldChain(variable(name), fields)
        case .pipeline(let pipeline, let fields):
            try notAFunction(command, final: final)
            let value = try evaluate(pipeline, dot: dot)
            at(pipeline.position, first.description)
            return try fieldChain(value, fields)
        default:
            at(first.position, first.description)
            try notAFunction(command, final: final)
            switch first {
            case .bool(let value, _): return .bool(value)
            case .dot: return dot
            case .null: throw error("nil is not a command")
            case .number(let number, _):
                guard let value = number.idealValue else { throw error("\(number.text) overflows int") }
                return value
            case .string(let text, _, _): return .string(text)
            default: throw error("can't evaluate command \(TemplateQuoting.quote(first.description))")
            }
        }
    }

    private func notAFunction(_ command: TemplateCommand, final: TemplateValue?) throws(TemplateExecutionError) {
        if command.arguments.count > 1 || final != nil {
            throw error("can't give argument to non-function \(command.arguments[0].description)")
        }
    }

    private func fieldChain(_ receiver: TemplateValue, _ fields: [String]) throws(TemplateExecutionError) -> TemplateValue {
        var value = receiver
        for field in fields {
            do {
                value = try value.field(field)
            } catch {
                throw self.error(error.message)
            }
        }
        return value
    }

    private func variable(_ name: String) throws(TemplateExecutionError) -> TemplateValue {
        guard let found = variables.last(where: { $0.name == name }) else {
            throw error("undefined variable: \(name)")
        }
        return found.value
    }

    // MARK: function calls

    private mutating func call(_ name: String, command: TemplateCommand, arguments: [TemplateArgument],
                               dot: TemplateValue, final: TemplateValue?) throws(TemplateExecutionError) -> TemplateValue {
        at(command.arguments[0].position, name)
        if name == "and" || name == "or" {
            guard !arguments.isEmpty || final != nil else {
                at(command.position, command.description)
                throw error("wrong number of args for \(name): want at least 1 got 0")
            }
            // Go 1.18+: evaluation stops at the first argument that decides the answer.
            var value = TemplateValue.null
            for argument in arguments {
                value = try evaluateArgument(argument, as: .any, dot: dot)
                if value.isTrue == (name == "or") { return value }
            }
            if let final { value = final }
            return value
        }
        guard let function = TemplateFunction.all[name] else { throw error("\(TemplateQuoting.quote(name)) is not a defined function") }
        let count = arguments.count + (final == nil ? 0 : 1)
        if let _ = function.variadic {
            if count < function.parameters.count {
                at(command.position, command.description)
                throw error("wrong number of args for \(name): want at least \(function.parameters.count) got \(count)")
            }
        } else if count != function.parameters.count {
            at(command.position, command.description)
            throw error("wrong number of args for \(name): want \(function.parameters.count) got \(count)")
        }
        func parameter(_ index: Int) -> TemplateFunction.Parameter {
            index < function.parameters.count ? function.parameters[index] : function.variadic ?? .any
        }
        var values: [TemplateValue] = []
        for (index, argument) in arguments.enumerated() {
            values.append(try evaluateArgument(argument, as: parameter(index), dot: dot))
        }
        if let final { values.append(try checked(final, as: parameter(values.count))) }
        do {
            return try function.body(values, environment)
        } catch {
            at(command.position, command.description)
            throw self.error("error calling \(name): \(error.message)")
        }
    }

    /// An argument evaluated for a parameter type, as Go's `evalArg`: constants must match a typed
    /// parameter; computed values are checked by `checked`.
    private mutating func evaluateArgument(_ argument: TemplateArgument, as type: TemplateFunction.Parameter,
                                           dot: TemplateValue) throws(TemplateExecutionError) -> TemplateValue {
        at(argument.position, argument.description)
        switch argument {
        case .dot: return try checked(dot, as: type)
        case .null:
            guard type == .any else { throw error("cannot assign nil to \(type.goName)") }
            return .null
        case .field(let fields, _): return try checked(fieldChain(dot, fields), as: type)
        case .variable(let name, let fields, _): return try checked(fieldChain(variable(name), fields), as: type)
        case .pipeline(let pipeline, let fields):
            let value = try evaluate(pipeline, dot: dot)
            return try checked(fieldChain(value, fields), as: type)
        case .identifier(let name, _):
            let value = try call(name, command: TemplateCommand(position: argument.position, arguments: [argument]),
                                 arguments: [], dot: dot, final: nil)
            return try checked(value, as: type)
        case .string(let text, _, _):
            guard type == .any || type == .string else { throw error("expected \(type.goName); found \(argument)") }
            return .string(text)
        case .bool(let value, _):
            guard type == .any || type == .bool else { throw error("expected \(type.goName); found \(argument)") }
            return .bool(value)
        case .number(let number, _):
            switch type {
            case .any:
                guard let value = number.idealValue else { throw error("\(number.text) overflows int") }
                return value
            case .float:
                guard let value = number.float else { throw error("expected float; found \(argument)") }
                return .float(value)
            case .int:
                guard let value = number.integer else { throw error("expected integer; found \(argument)") }
                return .int(value)
            default:
                throw error("expected \(type.goName); found \(argument)")
            }
        }
    }

    /// Go's `validateType`: a computed value must have the parameter's type.
    private func checked(_ value: TemplateValue, as type: TemplateFunction.Parameter) throws(TemplateExecutionError)
        -> TemplateValue {
        let matches = switch (type, value) {
        case (.any, _), (.string, .string), (.float, .float), (.int, .int), (.bool, .bool): true
        default: false
        }
        guard matches else {
            if value == .null { throw error("invalid value; expected \(type.goName)") }
            throw error("wrong type for value; expected \(type.goName); got \(value.goTypeName)")
        }
        return value
    }

    // MARK: output and errors

    private mutating func write(_ text: String) throws(TemplateExecutionError) {
        output += text
        if output.utf8.count > Self.maximumOutput {
            throw error("output exceeds \(Self.maximumOutput) bytes")
        }
    }

    private mutating func at(_ position: Int, _ context: String) {
        location = (position, context)
    }

    private func error(_ message: String) -> TemplateExecutionError {
        guard let location else { return TemplateExecutionError("template: \(name): \(message)") }
        let before = source[..<min(location.position, source.count)]
        let line = 1 + before.filter { $0 == UInt8(ascii: "\n") }.count
        let column = before.lastIndex(of: UInt8(ascii: "\n")).map { location.position - $0 - 1 } ?? location.position
        // Go before 1.21 (Prometheus 2.42's) quotes the node whole; later versions cut it at 20 bytes.
        return TemplateExecutionError(
            "template: \(name):\(line):\(column): executing \(TemplateQuoting.quote(name)) at <\(location.context)>: "
                + message)
    }
}

/// A template that failed while running. `message` is Go's whole error text.
public struct TemplateExecutionError: Error, CustomStringConvertible {
    public var message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
