/// A mistake in a dashboard file or its use, located for the person who has to fix it: the file, the line,
/// the field (`panels[2].type`) and what is wrong.
public struct DashboardError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String?
    public var line: Int?
    public var field: String?
    public var message: String

    public init(file: String? = nil, line: Int? = nil, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// `services.yaml:14: panels[2].type: unknown panel type "graph"…`
    public var description: String {
        var location = file ?? ""
        if let line { location += (location.isEmpty ? "line " : ":") + String(line) }
        var parts = location.isEmpty ? [] : [location]
        if let field { parts.append(field) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
