/// What a rule's labels and annotations are expanded with: Prometheus' `.Labels`, `.ExternalLabels`,
/// `.ExternalURL` and `.Value` (also `$labels`, `$externalLabels`, `$externalURL`, `$value`), and Lumen's
/// context variables (`$exemplars`, `$topLogTemplates`, `$traceCommand`; see `RuleTemplate.contextVariables`).
public struct TemplateData: Sendable {
    public var labels: [String: String]
    public var value: Double
    public var externalLabels: [String: String]
    public var externalURL: String
    /// Values of the context variables, by name without `$`; a variable not given reads as its empty value.
    public var extras: [String: TemplateValue]
    /// Runs an instant query for the `query` function; without it, `query` is an expansion error.
    public var query: (@Sendable (String) throws -> [TemplateSample])?

    public init(labels: [String: String], value: Double, externalLabels: [String: String] = [:],
                externalURL: String = "", extras: [String: TemplateValue] = [:],
                query: (@Sendable (String) throws -> [TemplateSample])? = nil) {
        self.labels = labels
        self.value = value
        self.externalLabels = externalLabels
        self.externalURL = externalURL
        self.extras = extras
        self.query = query
    }

    /// The data root `.`: Go's anonymous struct from Prometheus' `AlertTemplateData`.
    var root: TemplateValue {
        .record(type: "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }",
                fields: [.init("Labels", .labels(labels)), .init("ExternalLabels", .labels(externalLabels)),
                         .init("ExternalURL", .string(externalURL)), .init("Value", .float(value))])
    }
}

/// One element of a `query` result: Prometheus' template `sample` (`.Labels`, `.Value`).
public struct TemplateSample: Sendable, Hashable {
    public var labels: [String: String]
    public var value: Double

    public init(labels: [String: String], value: Double) {
        self.labels = labels
        self.value = value
    }

    var templateValue: TemplateValue {
        .record(type: "*template.sample", fields: [.init("Labels", .labels(labels)), .init("Value", .float(value))])
    }
}
