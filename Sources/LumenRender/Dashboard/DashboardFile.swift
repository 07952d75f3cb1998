/// A dashboard as its YAML file describes it (`version: 1`): a title, time and refresh defaults, variables,
/// and panels placed on a grid. See docs/dashboards.md for the schema; ``DashboardLoader`` reads and checks
/// it, naming the line and field of any mistake.
public struct DashboardFile: Codable, Sendable, Equatable {
    public static let currentVersion = 1
    /// Grafana's grid width, kept so that imported layouts carry over unchanged.
    public static let defaultColumns = 24

    public var version: Int
    public var title: String
    /// The grid's width in columns (`x` and `width` count these); 24 when not given.
    public var columns: Int?
    public var time: TimeDefaults?
    /// How often `--watch` redraws when not told (e.g. `10s`).
    public var refresh: String?
    /// The tenant every panel reads unless `--tenant` names another: `_lumen` for Lumen's own metrics.
    public var tenant: String?
    public var variables: [Variable]?
    public var panels: [Panel]

    public init(
        version: Int = currentVersion, title: String, columns: Int? = nil, time: TimeDefaults? = nil,
        refresh: String? = nil, tenant: String? = nil, variables: [Variable]? = nil, panels: [Panel]
    ) {
        self.tenant = tenant
        self.version = version
        self.title = title
        self.columns = columns
        self.time = time
        self.refresh = refresh
        self.variables = variables
        self.panels = panels
    }

    /// The default range: `since` back from now (1h when the file says nothing), or `from`/`to`.
    public struct TimeDefaults: Codable, Sendable, Equatable {
        public var since: String?
        public var from: String?
        public var to: String?

        public init(since: String? = nil, from: String? = nil, to: String? = nil) {
            self.since = since
            self.from = from
            self.to = to
        }
    }

    public var gridColumns: Int { columns ?? Self.defaultColumns }

    /// The grid's height in rows: the bottom edge of the lowest panel.
    public var gridRows: Int { panels.map { $0.y + $0.height }.max() ?? 0 }
}
