/// The outcome of a finished run, with rates over its wall-clock time.
public struct LoadSummary: Hashable, Sendable {
    public var progress: LoadProgress
    /// True when the run ended because its task was cancelled.
    public var cancelled: Bool

    public init(progress: LoadProgress, cancelled: Bool) {
        self.progress = progress
        self.cancelled = cancelled
    }

    public var elapsed: Duration { progress.elapsed }
    public var requestsPerSecond: Double { rate(progress.requestsSimulated) }
    public var acknowledgedSpansPerSecond: Double { rate(progress.spansAcknowledged) }
    public var acknowledgedLogsPerSecond: Double { rate(progress.logsAcknowledged) }

    private func rate(_ count: Int) -> Double {
        let seconds = progress.elapsed.seconds
        return seconds > 0 ? Double(count) / seconds : 0
    }
}
