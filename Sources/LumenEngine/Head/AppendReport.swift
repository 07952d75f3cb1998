/// What applying a batch to the head did, so the collector can answer with partial success and count rejections.
public struct AppendReport: Sendable, Equatable {
    public var spans = 0
    public var duplicateSpans = 0
    public var logs = 0
    /// Equal in stream, time and body to a record the head holds: a client's retry, stored once.
    public var duplicateLogs = 0
    public var samples = 0
    /// Same series and timestamp, same value: a client's retry, stored once.
    public var duplicateSamples = 0
    /// Same series and timestamp, another value: the first value stays, as in Prometheus.
    public var conflictingSamples = 0
    /// Older than the out-of-order window behind the tenant's newest sample: refused before the log.
    public var tooOldSamples = 0
    /// Exemplars stored; an exact repeat (a retry) is not counted.
    public var exemplars = 0
    /// Exemplars older than the out-of-order window, refused like samples.
    public var tooOldExemplars = 0
    /// Samples, exemplars, log records and spans (by start) more than the future window ahead of the clock:
    /// refused before the log, never moving any window.
    public var tooNewSamples = 0
    public var tooNewExemplars = 0
    public var tooNewLogs = 0
    public var tooNewSpans = 0

    public init() {}

    public static func += (lhs: inout AppendReport, rhs: AppendReport) {
        lhs.spans += rhs.spans
        lhs.duplicateSpans += rhs.duplicateSpans
        lhs.logs += rhs.logs
        lhs.duplicateLogs += rhs.duplicateLogs
        lhs.samples += rhs.samples
        lhs.duplicateSamples += rhs.duplicateSamples
        lhs.conflictingSamples += rhs.conflictingSamples
        lhs.tooOldSamples += rhs.tooOldSamples
        lhs.exemplars += rhs.exemplars
        lhs.tooOldExemplars += rhs.tooOldExemplars
        lhs.tooNewSamples += rhs.tooNewSamples
        lhs.tooNewExemplars += rhs.tooNewExemplars
        lhs.tooNewLogs += rhs.tooNewLogs
        lhs.tooNewSpans += rhs.tooNewSpans
    }
}
