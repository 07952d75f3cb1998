/// What became of one asynchronous publish, as its acknowledgement (or the lack of one) says.
public enum PublishOutcome: Sendable {
    /// Stored: the stream acknowledged it at this sequence (on a quorum of its replicas).
    case stored(stream: String, sequence: UInt64)
    /// Certainly not stored — no JetStream server answered ("no responders", e.g. during a leader election), or the
    /// stream refused it (full, `Discard=New`). Retry after a backoff.
    case notStored(NATSError)
    /// Maybe stored: the acknowledgement timed out or the connection dropped. Retry with the same batch ID; the
    /// storage nodes drop the copy they already applied.
    case unknown(NATSError)

    public var isStored: Bool {
        if case .stored = self { return true }
        return false
    }
}
