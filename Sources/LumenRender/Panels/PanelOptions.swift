/// How a panel presents its data, as the dashboard file sets it; every field has a sensible default.
public struct PanelOptions: Codable, Sendable, Equatable {
    public var unit: ValueUnit?
    public var decimals: Int?
    public var thresholds: [Threshold]?
    /// Fixed ends of the value axis (time series, gauges, heatmap colour scale).
    public var min: Double?
    public var max: Double?
    /// How stat, gauge, bar gauge and series tables reduce a series to one number.
    public var reduce: Reduction?
    /// Table: the column to sort by, and the direction.
    public var sortBy: String?
    public var sortDescending: Bool?
    /// Tables, logs, bar gauges: the most rows to show.
    public var limit: Int?
    /// Time series: show the legend (current/min/max/avg) under the chart.
    public var showLegend: Bool?
    /// Trace panels: show the trace's logs under their spans.
    public var traceLogs: Bool?

    public init(
        unit: ValueUnit? = nil, decimals: Int? = nil, thresholds: [Threshold]? = nil, min: Double? = nil,
        max: Double? = nil, reduce: Reduction? = nil, sortBy: String? = nil, sortDescending: Bool? = nil,
        limit: Int? = nil, showLegend: Bool? = nil, traceLogs: Bool? = nil
    ) {
        self.unit = unit
        self.decimals = decimals
        self.thresholds = thresholds
        self.min = min
        self.max = max
        self.reduce = reduce
        self.sortBy = sortBy
        self.sortDescending = sortDescending
        self.limit = limit
        self.showLegend = showLegend
        self.traceLogs = traceLogs
    }

    private enum Keys: String, CodingKey, CaseIterable {
        case unit, decimals, thresholds, min, max, reduce, sortBy, sortDescending, limit, showLegend, traceLogs
    }

    static let allowedKeys = Set(Keys.allCases.map(\.rawValue))

    /// A value in the panel's unit and decimals.
    func format(_ value: Double) -> String { (unit ?? .short).format(value, decimals: decimals) }

    func color(for value: Double) -> ChartColor? { (thresholds ?? []).color(for: value) }

    public enum Reduction: String, Codable, Sendable, CaseIterable {
        case last, mean, min, max, sum

        /// NaN when the series has no finite value.
        func apply(_ series: ChartSeries) -> Double {
            let values = series.finiteValues
            guard !values.isEmpty else { return .nan }
            switch self {
            case .last: return values[values.count - 1]
            case .mean: return values.reduce(0, +) / Double(values.count)
            case .min: return values.min()!
            case .max: return values.max()!
            case .sum: return values.reduce(0, +)
            }
        }
    }
}
