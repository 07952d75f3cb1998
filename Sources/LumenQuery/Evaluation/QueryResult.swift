import LumenModel

/// What a query answers, by kind.
public enum QueryResult: Sendable, Equatable {
    /// One sample per series at the evaluation time (an instant query over metrics).
    case vector([InstantSample])
    /// Samples per series at each step (a range query over metrics, or a range vector at an instant).
    case matrix([TimeSeries])
    /// A single number (`1 + 1`, `scalar(up)`, `time()`), stamped with the evaluation time.
    case scalar(Sample)
    /// A string literal, with the evaluation time.
    case string(String, at: Int64)
    /// Log records, newest first.
    case logs([LogRecord])
    /// Traces with the spans that matched, newest first.
    case traces([TraceSummary])
}

public struct InstantSample: Sendable, Equatable {
    public var labels: Labels
    public var sample: Sample

    public init(labels: Labels, sample: Sample) {
        self.labels = labels
        self.sample = sample
    }
}

/// When a query looks: an instant (`start == end`, no step) or a range evaluated every `step`.
public struct QueryWindow: Sendable, Equatable {
    public var start: Int64
    public var end: Int64
    public var step: Int64?

    public static func instant(_ time: Int64) -> QueryWindow { QueryWindow(start: time, end: time, step: nil) }

    public init(start: Int64, end: Int64, step: Int64?) {
        self.start = start
        self.end = end
        self.step = step
    }
}
