import LumenModel
import Synchronization

/// What the templates in an alert's labels and annotations see: `$labels`, `$value`, `$externalLabels`,
/// `$externalURL`.
public struct AlertTemplateData: Sendable {
    public var labels: Labels
    public var value: Double
    public var externalLabels: Labels
    public var externalURL: String
    /// Lumen's context variables for this alert (`exemplars`, `topLogTemplates`, `traceCommand`; see
    /// `RuleTemplate.contextVariables`); a variable not given reads as empty.
    public var extras: [String: TemplateValue]

    public init(
        labels: Labels, value: Double, externalLabels: Labels, externalURL: String,
        extras: [String: TemplateValue] = [:]
    ) {
        self.labels = labels
        self.value = value
        self.externalLabels = externalLabels
        self.externalURL = externalURL
        self.extras = extras
    }
}

/// The one place rule labels and annotations are expanded; the evaluator calls nothing else for templates.
/// Templates are Go text/template with Prometheus' functions (`Template/RuleTemplate.swift`), parsed once per
/// text and kept.
enum RuleTemplates {
    private static let parsed = Mutex<[String: RuleTemplate]>([:])
    /// Distinct template texts kept parsed; rule files hold far fewer.
    private static let cacheLimit = 10_000

    /// Expands the templates in `text` (a label or annotation value of the alerting rule `rule`) for one alert;
    /// a template that fails gives Prometheus' `<error expanding template: …>` text instead.
    static func expand(_ text: String, rule: String, data: AlertTemplateData) -> String {
        guard text.contains("{{") else { return text }
        let templateName = "__alert_" + rule
        let template: RuleTemplate
        do {
            template = try parse(text, templateName: templateName)
        } catch {
            return "<error expanding template: error parsing template \(templateName): \(error)>"
        }
        return template.expand(TemplateData(
            labels: data.labels.dictionary, value: data.value, externalLabels: data.externalLabels.dictionary,
            externalURL: data.externalURL, extras: data.extras))
    }

    /// The context variables (`RuleTemplate.contextVariables`) any of a rule's labels or annotations use.
    static func contextVariables(of rule: Rule) -> Set<String> {
        var used: Set<String> = []
        for label in rule.labels + rule.annotations where label.value.contains("{{") {
            if let template = try? parse(label.value, templateName: "__alert_" + rule.name) {
                used.formUnion(template.contextVariablesUsed)
            }
        }
        return used
    }

    /// Parses a rule's label or annotation template, as a rule file is checked at load: throws Go's message
    /// (`template: __alert_NAME:1: function "x" not defined`).
    static func parse(_ text: String, templateName: String) throws(RuleTemplateError) -> RuleTemplate {
        let key = templateName + "\u{0}" + text
        if let template = parsed.withLock({ $0[key] }) { return template }
        let template = try RuleTemplate(parsing: text, name: templateName)
        parsed.withLock { cache in
            if cache.count >= cacheLimit { cache.removeAll() }
            cache[key] = template
        }
        return template
    }
}

extension Labels {
    /// The labels as a dictionary, as Go templates see `map[string]string`.
    var dictionary: [String: String] {
        Dictionary(labels.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}
