import LumenModel

/// What one panel shows, already fetched: the renderers' only input besides the panel's options and size.
///
/// Each case is the result of one kind of query; the CLI turns API answers into these so that rendering
/// stays a pure function of data. Encoded as JSON for `--format json`.
public enum PanelData: Sendable, Equatable {
    /// Metric series over the dashboard's range (time series, stat, gauge, bar gauge, heatmap).
    case series([ChartSeries])
    /// Rows of cells (tables of series, spans or anything tabular).
    case table(TableData)
    case logs([LogLine])
    /// One trace: every span and the logs carrying its ID.
    case trace(spans: [Span], logs: [LogRecord])
    case serviceGraph(ServiceGraph)
    /// The alerts pending or firing now.
    case alerts([ActiveAlert])
    /// The panel could not be fetched or converted; the message is shown in its box.
    case error(String)
}

/// One named series of (time, value) points; times are nanoseconds since the epoch, NaN marks a gap.
public struct ChartSeries: Codable, Sendable, Equatable {
    public struct Point: Codable, Sendable, Equatable {
        public var t: Int64
        public var v: Double

        public init(t: Int64, v: Double) {
            self.t = t
            self.v = v
        }
    }

    public var name: String
    public var labels: [String: String]
    public var points: [Point]

    public init(name: String, labels: [String: String] = [:], points: [Point]) {
        self.name = name
        self.labels = labels
        self.points = points
    }

    /// The last value that is not NaN, or NaN when there is none.
    public var last: Double { points.last { !$0.v.isNaN }?.v ?? .nan }

    var finiteValues: [Double] { points.map(\.v).filter(\.isFinite) }
}

/// A table's contents: titled columns and rows of cells; a cell may carry the number it shows, which sorting
/// and threshold colours use.
public struct TableData: Codable, Sendable, Equatable {
    public struct Cell: Codable, Sendable, Equatable {
        public var text: String
        public var value: Double?

        public init(_ text: String, value: Double? = nil) {
            self.text = text
            self.value = value
        }
    }

    public var columns: [String]
    public var rows: [[Cell]]

    public init(columns: [String], rows: [[Cell]]) {
        self.columns = columns
        self.rows = rows
    }
}

/// One log line as a logs panel shows it.
public struct LogLine: Codable, Sendable, Equatable {
    /// Nanoseconds since the epoch.
    public var time: Int64
    public var service: String
    public var level: Severity.Level
    public var body: String

    public init(time: Int64, service: String, level: Severity.Level, body: String) {
        self.time = time
        self.service = service
        self.level = level
        self.body = body
    }

    private enum Keys: String, CodingKey { case time, service, level, body }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        time = try container.decode(Int64.self, forKey: .time)
        service = try container.decode(String.self, forKey: .service)
        level = Severity.Level(name: try container.decode(String.self, forKey: .level)) ?? .unspecified
        body = try container.decode(String.self, forKey: .body)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(time, forKey: .time)
        try container.encode(service, forKey: .service)
        try container.encode(level.name, forKey: .level)
        try container.encode(body, forKey: .body)
    }
}

/// Calls between services, as `GET /lumen/v1/service-graph` answers them (rates per second, latencies in
/// seconds). Decodable straight from that answer's `data`.
public struct ServiceGraph: Codable, Sendable, Equatable {
    public struct Edge: Codable, Sendable, Equatable {
        public var caller: String
        public var callee: String
        public var calls: Int
        public var errors: Int
        public var rate: Double
        public var errorRatio: Double
        public var p50: Double
        public var p95: Double
        public var p99: Double

        public init(
            caller: String, callee: String, calls: Int, errors: Int, rate: Double, errorRatio: Double,
            p50: Double, p95: Double, p99: Double
        ) {
            self.caller = caller
            self.callee = callee
            self.calls = calls
            self.errors = errors
            self.rate = rate
            self.errorRatio = errorRatio
            self.p50 = p50
            self.p95 = p95
            self.p99 = p99
        }
    }

    public struct Service: Codable, Sendable, Equatable {
        public var service: String
        public var calls: Int
        public var errors: Int
        public var rate: Double
        public var errorRatio: Double
        public var p50: Double
        public var p95: Double
        public var p99: Double

        public init(
            service: String, calls: Int, errors: Int, rate: Double, errorRatio: Double,
            p50: Double, p95: Double, p99: Double
        ) {
            self.service = service
            self.calls = calls
            self.errors = errors
            self.rate = rate
            self.errorRatio = errorRatio
            self.p50 = p50
            self.p95 = p95
            self.p99 = p99
        }
    }

    public var edges: [Edge]
    public var services: [Service]

    public init(edges: [Edge], services: [Service]) {
        self.edges = edges
        self.services = services
    }
}
