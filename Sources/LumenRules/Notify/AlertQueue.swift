import Synchronization

/// The notifier's bounded FIFO of alerts. Appending past the capacity drops the oldest alerts, as
/// Prometheus' notifier does, and reports how many.
///
/// Thread-safety: all methods may be called from any thread (a mutex guards the storage).
final class AlertQueue: Sendable {
    private struct State {
        var alerts: [OutgoingAlert] = []
        /// Index of the first queued alert in `alerts` (taken ones are compacted away lazily).
        var head = 0
        var count: Int { alerts.count - head }

        mutating func compact() {
            if head > 0, head >= alerts.count / 2 {
                alerts.removeFirst(head)
                head = 0
            }
        }
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = capacity
    }

    var count: Int { state.withLock { $0.count } }

    /// Appends; returns how many old alerts were dropped to make room, and the length after.
    func append(_ new: [OutgoingAlert]) -> (dropped: Int, length: Int) {
        state.withLock { state in
            var incoming = new[...]
            var dropped = 0
            if incoming.count > capacity {
                dropped += incoming.count - capacity
                incoming = incoming.suffix(capacity)
            }
            let overflow = state.count + incoming.count - capacity
            if overflow > 0 {
                state.head += overflow
                dropped += overflow
            }
            state.alerts.append(contentsOf: incoming)
            state.compact()
            return (dropped, state.count)
        }
    }

    /// Removes and returns up to `limit` alerts from the head.
    func takeBatch(_ limit: Int) -> [OutgoingAlert] {
        state.withLock { state in
            let end = min(state.alerts.count, state.head + max(1, limit))
            let batch = Array(state.alerts[state.head..<end])
            state.head = end
            state.compact()
            return batch
        }
    }

    /// Returns a batch that could not be delivered to the head, ahead of newer alerts; if that overflows the
    /// capacity, the oldest (the batch's first alerts) are dropped. Returns how many were dropped.
    func putBack(_ batch: [OutgoingAlert]) -> Int {
        state.withLock { state in
            let room = capacity - state.count
            let kept = batch.suffix(max(0, room))
            state.alerts.replaceSubrange(state.head..<state.head, with: kept)
            return batch.count - kept.count
        }
    }
}
