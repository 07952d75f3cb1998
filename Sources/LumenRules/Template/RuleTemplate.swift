/// A label or annotation template of a rule, in Go's text/template language with Prometheus' functions,
/// expanded exactly as Prometheus expands it.
///
/// Prometheus parses `{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL :=
/// .ExternalURL}}{{$value := .Value}}` in front of the text; so does this type, so that error positions
/// (`template: __alert_X:1:93: …`) match Prometheus'. Parsing checks what Go checks before running: syntax,
/// unknown functions, undefined variables. Lumen adds the context variables `$exemplars`,
/// `$topLogTemplates` and `$traceCommand` (`contextVariables`), declared without text.
///
/// Thread-safety: an immutable value; `expand` may run concurrently.
public struct RuleTemplate: Sendable {
    /// Lumen's variables beyond Prometheus', by name without `$`, and their value when the evaluator gives none.
    public static let contextVariables: [String: TemplateValue] = [
        "exemplars": .list([]), "topLogTemplates": .list([]), "traceCommand": .string(""),
    ]

    /// The text Prometheus puts before every rule template.
    static let prelude = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
        + "{{$externalURL := .ExternalURL}}{{$value := .Value}}"

    /// The template as written in the rule file.
    public let text: String
    /// The name errors carry: Prometheus uses `__alert_` + the alert's name.
    public let name: String
    /// The context variables the template mentions, so an evaluator computes only those.
    public let contextVariablesUsed: Set<String>
    private let nodes: [TemplateNode]
    private let source: String

    /// Parses `text`; throws `RuleTemplateError` with Go's message (`template: NAME:LINE: …`).
    public init(parsing text: String, name: String = "__alert_") throws(RuleTemplateError) {
        self.text = text
        self.name = name
        source = Self.prelude + text
        let items: [TemplateLexer.Item]
        do {
            items = try TemplateLexer.items(of: source)
        } catch {
            throw RuleTemplateError(name: name, source: source, message: error.message, position: error.position)
        }
        var parser = TemplateParser(items: items, functions: TemplateFunction.names,
                                    predeclared: Self.contextVariables.keys.map { "$" + $0 })
        do {
            nodes = try parser.parse()
        } catch {
            throw RuleTemplateError(name: name, source: source, message: error.message, position: error.position)
        }
        contextVariablesUsed = Set(items.filter { $0.kind == .variable }.map { String($0.text.dropFirst()) })
            .intersection(Self.contextVariables.keys)
    }

    /// The expanded text, or Prometheus' `<error expanding template: …>` when the template fails on this
    /// data (a missing function argument, a comparison of a float with an int, …).
    public func expand(_ data: TemplateData) -> String {
        do {
            return try expandOrThrow(data)
        } catch {
            return "<error expanding template: error executing template \(name): \(error.message)>"
        }
    }

    /// The expanded text; throws Go's execution error.
    public func expandOrThrow(_ data: TemplateData) throws(TemplateExecutionError) -> String {
        var variables: [(name: String, value: TemplateValue)] = [("$", data.root)]
        for (variable, empty) in Self.contextVariables.sorted(by: { $0.key < $1.key }) {
            variables.append(("$" + variable, data.extras[variable] ?? empty))
        }
        var executor = TemplateExecutor(name: name, source: source,
                                        environment: TemplateEnvironment(externalURL: data.externalURL, query: data.query),
                                        variables: variables)
        return try executor.run(nodes, dot: data.root)
    }
}

/// A template that does not parse. `description` is Go's message, e.g.
/// `template: __alert_HighLatency:1: function "humanise" not defined`.
public struct RuleTemplateError: Error, CustomStringConvertible, Equatable {
    /// The line within the template text the error is on (1 for the first).
    public let line: Int
    public let message: String
    public let description: String

    init(name: String, source: String, message: String, position: Int) {
        let before = source.utf8.prefix(position)
        line = 1 + before.filter { $0 == UInt8(ascii: "\n") }.count
        self.message = message
        description = "template: \(name):\(line): \(message)"
    }
}
