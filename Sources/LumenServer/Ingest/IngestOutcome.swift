/// What an admitted request came to: stored, except for the items refused one by one (by the decoder, a
/// tenant's limits, or the store), counted with their reasons. Each protocol reports it in its own form:
/// OTLP as `partial_success`, remote write, Loki and Zipkin as a 400 naming what was refused.
public struct IngestOutcome: Sendable, Equatable {
    /// Items refused: spans, log records or entries, metric data points or samples.
    public var rejected = 0
    /// One reason for each group of refused items.
    public var messages: [String] = []

    public init() {}

    public var message: String { messages.joined(separator: "; ") }

    mutating func refuse(_ count: Int, _ message: String) {
        rejected += count
        messages.append(message)
    }
}
