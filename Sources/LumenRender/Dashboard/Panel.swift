/// One panel of a dashboard file: what it shows (`type` and its queries), where (`x`, `y`, `width`, `height`
/// on the grid: columns across, lines down) and how (the display options, written inline).
public struct Panel: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case timeseries, stat, gauge, bargauge, table, heatmap, logs, trace, servicegraph, alertlist
    }

    /// Where a panel's data comes from: the query API, the only source. (Lumen's own metrics, once read from
    /// `/metrics` by `source: self`, are stored in tenant `_lumen` and queried like any others.)
    public enum Source: String, Codable, Sendable, CaseIterable {
        case api
    }

    public var title: String
    public var type: Kind
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    public var source: Source?
    /// Shorthand for one query: `query` and `legend`.
    public var query: String?
    public var legend: String?
    public var queries: [PanelQuery]?
    /// Trace panels: show this trace instead of the slowest one the query finds.
    public var traceId: String?
    public var options: PanelOptions

    public init(
        title: String, type: Kind, x: Int, y: Int, width: Int, height: Int, source: Source? = nil,
        query: String? = nil, legend: String? = nil, queries: [PanelQuery]? = nil, traceId: String? = nil,
        options: PanelOptions = PanelOptions()
    ) {
        self.title = title
        self.type = type
        self.x = x
        self.y = y
        self.width = width
        self.height = height
        self.source = source
        self.query = query
        self.legend = legend
        self.queries = queries
        self.traceId = traceId
        self.options = options
    }

    /// Every query of the panel, the shorthand first.
    public var allQueries: [PanelQuery] {
        (query.map { [PanelQuery(expr: $0, legend: legend)] } ?? []) + (queries ?? [])
    }

    private enum Keys: String, CodingKey, CaseIterable {
        case title, type, x, y, width, height, source, query, legend, queries, traceId
    }

    /// The keys a panel may have: its own and its options'.
    static let allowedKeys = Set(Keys.allCases.map(\.rawValue)).union(PanelOptions.allowedKeys)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        title = try container.decodeIfPresent(String.self, forKey: .title) ?? ""
        type = try container.decode(Kind.self, forKey: .type)
        x = try container.decode(Int.self, forKey: .x)
        y = try container.decode(Int.self, forKey: .y)
        width = try container.decode(Int.self, forKey: .width)
        height = try container.decode(Int.self, forKey: .height)
        source = try container.decodeIfPresent(Source.self, forKey: .source)
        query = try container.decodeIfPresent(String.self, forKey: .query)
        legend = try container.decodeIfPresent(String.self, forKey: .legend)
        queries = try container.decodeIfPresent([PanelQuery].self, forKey: .queries)
        traceId = try container.decodeIfPresent(String.self, forKey: .traceId)
        options = try PanelOptions(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(title, forKey: .title)
        try container.encode(type, forKey: .type)
        try container.encode(x, forKey: .x)
        try container.encode(y, forKey: .y)
        try container.encode(width, forKey: .width)
        try container.encode(height, forKey: .height)
        try container.encodeIfPresent(source, forKey: .source)
        try container.encodeIfPresent(query, forKey: .query)
        try container.encodeIfPresent(legend, forKey: .legend)
        try container.encodeIfPresent(queries, forKey: .queries)
        try container.encodeIfPresent(traceId, forKey: .traceId)
        try options.encode(to: encoder)
    }
}

/// One query of a panel and the legend template naming its series (`{{service}}`, `$service`).
public struct PanelQuery: Codable, Sendable, Equatable {
    public var expr: String
    public var legend: String?

    public init(expr: String, legend: String? = nil) {
        self.expr = expr
        self.legend = legend
    }
}
