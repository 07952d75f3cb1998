import LumenModel

/// The native JSON answer of `GET /lumen/v1/query`: one of `series`, `logs` or `traces`, named by `kind`.
/// A scalar is one series without labels holding one point; a string is `string` with its time in `time`.
public struct QueryResponse: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case vector, matrix, scalar, string, logs, traces

        /// Span queries answered `spans` before they answered traces. The old name still matches a span query's
        /// answer (and `spans` below still lists its spans), so clients written against it keep working.
        public static let spans = Kind.traces
    }

    public struct Series: Codable, Sendable, Equatable {
        public struct Point: Codable, Sendable, Equatable {
            /// Nanoseconds since the epoch.
            public var t: Int64
            /// Text, like Prometheus, so NaN and ±Inf survive JSON.
            public var v: String
        }

        public var labels: [String: String]
        public var points: [Point]
    }

    /// The exemplars of one series a metric query read: each a sampled observation that points at a trace.
    public struct ExemplarSeries: Codable, Sendable, Equatable {
        public struct Point: Codable, Sendable, Equatable {
            /// The exemplar's own labels (`trace_id`, `span_id` …).
            public var labels: [String: String]
            /// Nanoseconds since the epoch.
            public var t: Int64
            public var v: String
            /// The trace it points at, when its labels name one: what `lumen trace` takes.
            public var traceId: String?
        }

        public var labels: [String: String]
        public var exemplars: [Point]

        public init(_ series: TimeSeries) {
            labels = QueryResponse.dictionary(series.labels)
            exemplars = series.exemplars.map { exemplar in
                Point(labels: QueryResponse.dictionary(exemplar.labels), t: exemplar.timestamp,
                    v: PrometheusNumber.format(exemplar.value), traceId: exemplar.traceID?.hex)
            }
        }
    }

    public var kind: Kind
    public var series: [Series]?
    public var logs: [LogJSON]?
    public var traces: [TraceSummaryJSON]?
    /// A metric answer's exemplars, where the series it read have any (see `QueryEngine.exemplars`).
    public var exemplars: [ExemplarSeries]?
    /// What the answer should warn of, as Prometheus' `warnings`: a metric query that matched nothing because
    /// it names a metric that does not exist, with the names that do (see `QueryEngine.warnings`).
    public var warnings: [String]?

    /// The matched spans of every trace in a span query's answer, newest trace first (not encoded: the traces
    /// hold them).
    public var spans: [SpanJSON]? { traces.map { $0.flatMap(\.spans) } }
    public var string: String?
    /// Nanoseconds since the epoch, for `string` answers.
    public var time: Int64?

    public init(_ result: QueryResult, exemplars: [TimeSeries] = [], warnings: [String] = []) {
        self.exemplars = exemplars.isEmpty ? nil : exemplars.map(ExemplarSeries.init)
        self.warnings = warnings.isEmpty ? nil : warnings
        switch result {
        case .vector(let samples):
            kind = .vector
            series = samples.map { Series(labels: Self.dictionary($0.labels), points: [Self.point($0.sample)]) }
        case .matrix(let matrix):
            kind = .matrix
            series = matrix.map { Series(labels: Self.dictionary($0.labels), points: $0.samples.map(Self.point)) }
        case .scalar(let sample):
            kind = .scalar
            series = [Series(labels: [:], points: [Self.point(sample)])]
        case .string(let text, let at):
            kind = .string
            string = text
            time = at
        case .logs(let records):
            kind = .logs
            logs = records.map(LogJSON.init)
        case .traces(let found):
            kind = .traces
            traces = found.map(TraceSummaryJSON.init)
        }
    }

    static func dictionary(_ labels: Labels) -> [String: String] {
        Dictionary(labels.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    static func point(_ sample: Sample) -> Series.Point {
        Series.Point(t: sample.timestamp, v: PrometheusNumber.format(sample.value))
    }
}

/// The trace answer of `GET /lumen/v1/traces/<id>`: every span from every service, and the logs carrying its ID.
public struct TraceResponse: Codable, Sendable, Equatable {
    public var traceId: String
    public var spans: [SpanJSON]
    public var logs: [LogJSON]

    public init(traceID: TraceID, spans: [Span], logs: [LogRecord]) {
        traceId = traceID.hex
        self.spans = spans.map(SpanJSON.init)
        self.logs = logs.map(LogJSON.init)
    }
}
