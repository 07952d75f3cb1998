import LumenModel
import LumenQuery
import Yams

/// Reads rule files in Prometheus' format (`groups:` of `rules:`), as `rulefmt` does: unknown keys refused,
/// group names unique per file, each rule either `record` or `alert`, names and label names valid, and each
/// expression parsed by Lumen's query language. Every error names the file and the line of the offending node.
public enum RuleFileParser {
    static let groupKeys: Set<String> = ["name", "interval", "limit", "query_offset", "labels", "rules"]
    static let ruleKeys: Set<String> = ["record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"]

    /// Parses the text of one file; `file` names it in errors and in the groups.
    public static func parse(_ text: String, file: String) throws(RuleFileError) -> [RuleGroup] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw RuleFileError(file: file, line: line(of: error), reason: problem(of: error))
        } catch {
            throw RuleFileError(file: file, line: 0, reason: "\(error)")
        }
        // An empty file holds no groups, as in Prometheus.
        guard let root else { return [] }
        let reader = NodeReader(file: file)
        let top = try reader.mapping(root, "the file", allowed: ["groups"])
        guard let groupsNode = top["groups"] else { return [] }
        var seen: [String: Int] = [:]
        var groups: [RuleGroup] = []
        for node in try reader.sequence(groupsNode, "groups") {
            let group = try self.group(node, reader)
            if let first = seen[group.name] {
                throw reader.error(node, "group name \"\(group.name)\" is repeated in the same file (first on line \(first))")
            }
            seen[group.name] = group.line
            groups.append(group)
        }
        return groups
    }

    private static func group(_ node: Node, _ reader: NodeReader) throws(RuleFileError) -> RuleGroup {
        let fields = try reader.mapping(node, "a group", allowed: groupKeys)
        guard let nameNode = fields["name"], let name = try reader.string(nameNode, "name"), !name.isEmpty else {
            throw reader.error(fields["name"] ?? node, "a group needs a non-empty name")
        }
        var group = RuleGroup(file: reader.file, name: name, rules: [], line: reader.line(nameNode))
        if let interval = fields["interval"] {
            group.interval = try reader.duration(interval, "interval")
            if group.interval == 0 { throw reader.error(interval, "interval must be greater than 0") }
        }
        if let offset = fields["query_offset"] { group.queryOffset = try reader.duration(offset, "query_offset") }
        if let limit = fields["limit"] {
            guard let text = try reader.string(limit, "limit"), let value = Int(text), value >= 0 else {
                throw reader.error(limit, "limit must be a whole number ≥ 0")
            }
            group.limit = value
        }
        if let labels = fields["labels"] { group.labels = try reader.labels(labels, "labels", isAnnotation: false) }
        if let rules = fields["rules"] {
            for ruleNode in try reader.sequence(rules, "rules") {
                group.rules.append(try rule(ruleNode, reader))
            }
        }
        return group
    }

    private static func rule(_ node: Node, _ reader: NodeReader) throws(RuleFileError) -> Rule {
        let fields = try reader.mapping(node, "a rule", allowed: ruleKeys)
        let record = try fields["record"].flatMap { (node) throws(RuleFileError) in try reader.string(node, "record") }
        let alert = try fields["alert"].flatMap { (node) throws(RuleFileError) in try reader.string(node, "alert") }
        let kind: Rule.Kind
        let name: String
        let nameNode: Node
        switch (record, alert) {
        case (let record?, nil):
            (kind, name, nameNode) = (.recording, record, fields["record"]!)
            guard RuleNames.isValidMetricName(record) else {
                throw reader.error(nameNode, "invalid recording rule name: \(record)")
            }
            for key in ["for", "keep_firing_for", "annotations"] where fields[key] != nil {
                throw reader.error(fields[key]!, "invalid field '\(key)' in recording rule")
            }
        case (nil, let alert?):
            (kind, name, nameNode) = (.alerting, alert, fields["alert"]!)
            guard !alert.isEmpty else { throw reader.error(nameNode, "the alert name must not be empty") }
        case (.some, .some):
            throw reader.error(node, "only one of 'record' and 'alert' must be set")
        case (nil, nil):
            throw reader.error(node, "one of 'record' or 'alert' must be set")
        }
        guard let exprNode = fields["expr"], let expr = try reader.string(exprNode, "expr"), !expr.isEmpty else {
            throw reader.error(fields["expr"] ?? node, "field 'expr' must be set in rule")
        }
        let query = try parseExpression(expr, node: exprNode, reader)
        var rule = Rule(kind: kind, name: name, expr: expr, query: query, line: reader.line(nameNode))
        if let hold = fields["for"] { rule.holdDuration = try reader.duration(hold, "for") }
        if let keep = fields["keep_firing_for"] { rule.keepFiringFor = try reader.duration(keep, "keep_firing_for") }
        if let labels = fields["labels"] { rule.labels = try reader.labels(labels, "labels", isAnnotation: false) }
        if let annotations = fields["annotations"] {
            rule.annotations = try reader.labels(annotations, "annotations", isAnnotation: true)
        }
        // As Prometheus, the templates of alerting rules are parsed here, so a typo is refused at load.
        if kind == .alerting {
            for (key, entries) in [("labels", rule.labels), ("annotations", rule.annotations)] {
                for entry in entries where entry.value.contains("{{") {
                    do {
                        _ = try RuleTemplate(parsing: entry.value, name: "__alert_" + name)
                    } catch {
                        throw reader.error(fields[key] ?? node, "\(key).\(entry.name): \(error)")
                    }
                }
            }
        }
        return rule
    }

    /// Parses an expression in the native language: PromQL, and metric queries over logs and spans. It must
    /// yield an instant vector or a scalar, the only results a rule can turn into samples or alerts.
    private static func parseExpression(_ expr: String, node: Node, _ reader: NodeReader) throws(RuleFileError) -> Expr {
        let query: Query
        do {
            query = try Parser.parse(expr)
        } catch {
            throw reader.error(node, "could not parse expression: \(error.message)")
        }
        guard case .metrics(let parsed) = query else {
            throw reader.error(
                node, "the expression returns log lines or traces, not a number per series; wrap it in a metric "
                    + "query such as sum by (service) (count_over_time(\(expr) [5m]))")
        }
        guard parsed.type == .vector || parsed.type == .scalar else {
            throw reader.error(
                node, "invalid expression type \"\(parsed.type.displayName)\" for a rule; expected instant vector "
                    + "or scalar")
        }
        return parsed
    }

    static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default: return 0
        }
    }

    static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return "invalid YAML: \(problem)"
        default: return "invalid YAML: \(error)"
        }
    }
}
