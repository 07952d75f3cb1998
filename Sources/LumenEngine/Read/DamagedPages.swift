import Foundation
import Synchronization

/// The damaged pages (log and span pages, metric chunks, exemplar pages) reads and compactions of a store have met,
/// each counted once: a query touching one again still warns of it in its answer, but the log and
/// `lumen_storage_damaged_pages_total{signal}` say it once; and the blocks holding one that compaction leaves
/// alone. Safe to use from any thread.
public final class DamagedPages: Sendable {
    private struct State {
        var seen = Set<String>()
        var bySignal: [String: Int] = [:]
        var keptApart = Set<String>()
    }

    private let state = Mutex(State())

    public init() {}

    /// Records the page `error` names; returns whether it was not known yet.
    func record(_ error: BlockError) -> Bool {
        let key = "\(error.path ?? "")@\(error.offset ?? -1)"
        let signal = error.location?.part ?? "unknown"
        return state.withLock { state in
            guard state.seen.insert(key).inserted else { return false }
            state.bySignal[signal, default: 0] += 1
            return true
        }
    }

    /// Leaves the block (its ID) out of compaction: merging a damaged block would lose its damaged page for good.
    func keepApart(_ block: String) { state.withLock { _ = $0.keptApart.insert(block) } }

    func isKeptApart(_ block: String) -> Bool { state.withLock { $0.keptApart.contains(block) } }

    /// Damaged pages met so far, by the part they lie in: `metrics`, `logs`, `spans`, `exemplars`.
    public var bySignal: [String: Int] { state.withLock { $0.bySignal } }
}

extension BlockError {
    /// What an answer that left this damage out says about it: the block, the signal, the times it held (when
    /// known) and the error.
    public var damageWarning: String {
        let place = location.map { "block \($0.block) (\($0.part))" } ?? (path ?? "a block")
        let missing = timeRange.map { " missing \(Self.time($0.lowerBound)) to \(Self.time($0.upperBound))" } ?? ""
        return "damaged data in \(place) left out of this answer:\(missing) (\(message))"
    }

    /// Nanoseconds since the epoch as RFC 3339 with nanoseconds, UTC.
    static func time(_ nanoseconds: Int64) -> String {
        var seconds = time_t(nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000).quotient)
        var fraction = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000).remainder
        if fraction < 0 {
            seconds -= 1
            fraction += 1_000_000_000
        }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), fraction)
    }
}
