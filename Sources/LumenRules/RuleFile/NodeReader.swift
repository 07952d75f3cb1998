import LumenModel
import Yams

/// Reads typed values out of composed YAML nodes, turning every mismatch into a ``RuleFileError`` at the
/// node's line.
struct NodeReader {
    let file: String

    func line(_ node: Node) -> Int { node.mark?.line ?? 0 }

    func error(_ node: Node, _ reason: String) -> RuleFileError {
        RuleFileError(file: file, line: line(node), reason: reason)
    }

    /// A mapping's values by key; a key outside `allowed` is refused, as `rulefmt` decodes with known fields only.
    func mapping(_ node: Node, _ what: String, allowed: Set<String>) throws(RuleFileError) -> [String: Node] {
        guard let mapping = node.mapping else { throw error(node, "expected \(what) as a mapping of keys") }
        var fields: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw error(key, "expected a key as text") }
            guard allowed.contains(name) else {
                throw error(key, "field \(name) not found; expected one of " + allowed.sorted().joined(separator: ", "))
            }
            guard fields[name] == nil else { throw error(key, "field \(name) is set twice") }
            fields[name] = value
        }
        return fields
    }

    func sequence(_ node: Node, _ what: String) throws(RuleFileError) -> [Node] {
        if case .scalar(let scalar) = node, scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return [] }
        guard let sequence = node.sequence else { throw error(node, "expected \(what) as a list") }
        return Array(sequence)
    }

    /// A scalar's text; `nil` for YAML's null (`~`, empty).
    func string(_ node: Node, _ what: String) throws(RuleFileError) -> String? {
        guard case .scalar(let scalar) = node else { throw error(node, "expected \(what) as text") }
        if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return nil }
        return scalar.string
    }

    func duration(_ node: Node, _ what: String) throws(RuleFileError) -> Int64 {
        guard let text = try string(node, what) else { return 0 }
        guard let value = PrometheusDuration.parse(text) else {
            throw error(node, "\(what): not a valid duration string: \"\(text)\" (write it as 30s, 5m, 1h30m)")
        }
        return value
    }

    /// Labels or annotations: a mapping of valid label names to text, kept in file order.
    func labels(_ node: Node, _ what: String, isAnnotation: Bool) throws(RuleFileError) -> [RuleLabel] {
        if case .scalar = node, try string(node, what) == nil { return [] }
        guard let mapping = node.mapping else { throw error(node, "expected \(what) as a mapping of names to text") }
        var result: [RuleLabel] = []
        for (key, value) in mapping {
            guard let name = key.string, RuleNames.isValidLabelName(name) else {
                throw error(key, "invalid \(isAnnotation ? "annotation" : "label") name: \(key.string ?? "")")
            }
            if !isAnnotation, name == Labels.metricName { throw error(key, "invalid label name: \(name)") }
            guard !result.contains(where: { $0.name == name }) else { throw error(key, "\(what): \(name) is set twice") }
            guard case .scalar(let scalar) = value else { throw error(value, "\(what): the value of \(name) must be text") }
            result.append(RuleLabel(name, scalar.string))
        }
        return result
    }
}
