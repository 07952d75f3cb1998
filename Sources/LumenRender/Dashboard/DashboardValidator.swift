/// The rules of a dashboard file that its types cannot express: the version, the grid (panels inside it, at
/// least three lines tall, not overlapping), queries where a panel needs them, variables named once.
enum DashboardValidator {
    /// A broken rule and the path of the field that breaks it (`["panels", "2", "width"]`).
    struct Problem: Error {
        var path: [String]
        var message: String
    }

    static let minimumPanelHeight = 3

    static func validate(_ dashboard: DashboardFile) throws(Problem) {
        guard dashboard.version == DashboardFile.currentVersion else {
            throw Problem(
                path: ["version"],
                message: "this Lumen reads version \(DashboardFile.currentVersion) files, not \(dashboard.version)")
        }
        let columns = dashboard.gridColumns
        guard columns > 0 else { throw Problem(path: ["columns"], message: "must be positive") }
        guard !dashboard.panels.isEmpty else {
            throw Problem(path: ["panels"], message: "a dashboard needs at least one panel")
        }
        var names = Set<String>()
        for (index, variable) in (dashboard.variables ?? []).enumerated() {
            let path = ["variables", String(index)]
            guard names.insert(variable.name).inserted else {
                throw Problem(path: path + ["name"], message: "\"\(variable.name)\" is defined twice")
            }
            switch variable.type {
            case .constant where variable.value == nil && variable.default == nil:
                throw Problem(path: path, message: "a constant needs a value")
            case .query where variable.label == nil:
                throw Problem(
                    path: path, message: "a query variable needs the label whose values it lists (label: service)")
            default: break
            }
        }
        for (index, panel) in dashboard.panels.enumerated() {
            let path = ["panels", String(index)]
            if panel.x < 0 { throw Problem(path: path + ["x"], message: "must be 0 or more") }
            if panel.y < 0 { throw Problem(path: path + ["y"], message: "must be 0 or more") }
            if panel.width <= 0 || panel.x + panel.width > columns {
                throw Problem(
                    path: path + ["width"], message: "x + width must stay within the grid's \(columns) columns")
            }
            if panel.height < minimumPanelHeight {
                throw Problem(
                    path: path + ["height"],
                    message: "must be at least \(minimumPanelHeight) lines (two are the border)")
            }
            let needsQuery = panel.type != .servicegraph && panel.type != .alertlist
                && !(panel.type == .trace && panel.traceId != nil)
            if needsQuery && panel.allQueries.isEmpty {
                throw Problem(
                    path: path, message: "a \(panel.type.rawValue) panel needs a query (query: … or queries: [...])")
            }
            for other in dashboard.panels.prefix(index) where overlaps(panel, other) {
                throw Problem(path: path, message: "overlaps the panel \"\(other.title)\"")
            }
        }
    }

    static func overlaps(_ a: Panel, _ b: Panel) -> Bool {
        a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
    }
}
