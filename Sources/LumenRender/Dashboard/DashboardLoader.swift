import Yams

/// Reads a dashboard file: YAML through Yams into ``DashboardFile``, then checks what YAML cannot — the
/// version, unknown keys (a typo would otherwise be ignored silently), the grid, the queries. Every error
/// names the line and the field, found by walking the composed YAML along the failing field's path.
public enum DashboardLoader {
    public static func load(yaml text: String, file: String? = nil) throws(DashboardError) -> DashboardFile {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw DashboardError(file: file, message: "the file is empty")
            }
            root = node
        } catch let error as DashboardError {
            throw error
        } catch let error as YamlError {
            throw DashboardError(file: file, line: Self.line(of: error), message: Self.problem(of: error))
        } catch {
            throw DashboardError(file: file, message: "\(error)")
        }
        let locate = { (path: [String]) -> Int? in Self.node(at: path, in: root)?.mark?.line }
        try checkKeys(root, file: file)
        let dashboard: DashboardFile
        do {
            dashboard = try YAMLDecoder().decode(DashboardFile.self, from: text)
        } catch let error as DecodingError {
            let (path, message) = Self.describe(error)
            throw DashboardError(
                file: file, line: locate(path) ?? locate(Array(path.dropLast())),
                field: Self.field(path), message: message)
        } catch {
            throw DashboardError(file: file, message: "\(error)")
        }
        do {
            try DashboardValidator.validate(dashboard)
        } catch {
            throw DashboardError(
                file: file, line: locate(error.path) ?? locate(Array(error.path.dropLast())),
                field: Self.field(error.path), message: error.message)
        }
        return dashboard
    }

    // MARK: - Unknown keys

    private static let topKeys: Set<String> = ["version", "title", "columns", "time", "refresh", "tenant", "variables", "panels"]

    private static func checkKeys(_ root: Node, file: String?) throws(DashboardError) {
        func check(_ node: Node?, allowed: Set<String>, path: [String]) throws(DashboardError) {
            guard let mapping = node?.mapping else { return }
            for (key, _) in mapping {
                guard let name = key.string, !allowed.contains(name) else { continue }
                throw DashboardError(
                    file: file, line: key.mark?.line, field: field(path + [name]),
                    message: "unknown field; expected one of " + allowed.sorted().joined(separator: ", "))
            }
        }
        try check(root, allowed: topKeys, path: [])
        try check(root["time"], allowed: ["since", "from", "to"], path: ["time"])
        for (index, variable) in (root["variables"]?.sequence ?? []).enumerated() {
            try check(variable, allowed: Variable.allowedKeys, path: ["variables", String(index)])
        }
        for (index, panel) in (root["panels"]?.sequence ?? []).enumerated() {
            let path = ["panels", String(index)]
            try check(panel, allowed: Panel.allowedKeys, path: path)
            for (number, query) in (panel["queries"]?.sequence ?? []).enumerated() {
                try check(query, allowed: ["expr", "legend"], path: path + ["queries", String(number)])
            }
            for (number, step) in (panel["thresholds"]?.sequence ?? []).enumerated() {
                try check(step, allowed: ["value", "color"], path: path + ["thresholds", String(number)])
            }
        }
    }

    // MARK: - Locating

    static func node(at path: [String], in root: Node) -> Node? {
        var node: Node? = root
        for component in path {
            if let index = Int(component), let sequence = node?.sequence {
                node = index < sequence.count ? sequence[index] : nil
            } else {
                node = node?[component]
            }
        }
        return node
    }

    /// `["panels", "2", "type"]` → `panels[2].type`.
    static func field(_ path: [String]) -> String? {
        guard !path.isEmpty else { return nil }
        return path.reduce("") { text, component in
            Int(component) != nil ? text + "[\(component)]" : text + (text.isEmpty ? "" : ".") + component
        }
    }

    private static func describe(_ error: DecodingError) -> (path: [String], message: String) {
        func keys(_ context: DecodingError.Context) -> [String] {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
        }
        switch error {
        case .keyNotFound(let key, let context):
            return (keys(context) + [key.stringValue], "is required")
        case .typeMismatch(let type, let context):
            return (keys(context), "expected \(Self.typeName(type))")
        case .valueNotFound(let type, let context):
            return (keys(context), "expected \(Self.typeName(type)), found nothing")
        case .dataCorrupted(let context):
            return (keys(context), context.debugDescription)
        @unknown default:
            return ([], "\(error)")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "a whole number"
        case is Double.Type: "a number"
        case is String.Type: "text"
        case is Bool.Type: "true or false"
        default: "\(type)".contains("Array") ? "a list" : "a mapping"
        }
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            "invalid YAML: " + problem
        default: "invalid YAML: \(error)"
        }
    }
}
