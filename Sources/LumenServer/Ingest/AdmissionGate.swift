import Foundation
import LumenEngine
import Synchronization

/// Back-pressure: bounds what ingest holds in flight, and refuses work while the process is near its memory
/// ceiling, so overload gets 429/503 with `Retry-After` instead of an out-of-memory kill.
///
/// The ceiling bounds the whole resident set, not ingest alone: ingest is refused from `ingestLimit` (85 % of
/// it) on, because what was admitted before, a head cut, a compaction and queries still need memory after the
/// refusals begin; past `pressureLimit` the head is cut early to stay small beside it (`MemoryPressureRelief`),
/// and merges wait while pressed or refusing (`mayMerge`). Measured
/// with `Scripts/bench/overload.py`: refusing only past the ceiling itself peaked 19 % over it.
///
/// The resident set lags: a cut holds the old head until its blocks are written while a new one fills, and
/// what is freed returns to the system late or not at all. So the heads are bounded by their own count too:
/// ingest is also refused while the heads in memory, with a cut's working memory, hold more than `headLimit` (a
/// quarter of the ceiling).
///
/// Thread-safety: all methods may be called concurrently.
final class AdmissionGate: Sendable {
    enum Refusal: Error, Sendable {
        /// Too much is being written right now: retry soon (429).
        case busy(inFlightBytes: Int, limit: Int)
        /// The process is past ingest's share of its memory ceiling: retry later (503).
        case overMemoryCeiling(residentBytes: Int, limit: Int, ceiling: Int)
        /// The heads waiting to be cut into blocks hold their share of the ceiling: retry later (503).
        case headsOverBudget(heldBytes: Int, limit: Int, ceiling: Int)
    }

    let maxInFlightBytes: Int
    let memoryCeiling: Int
    private let inFlight = Mutex(0)
    private let memory = Mutex((checkedAt: ContinuousClock.now - .seconds(1), resident: 0))
    private let lastRefusal = Mutex<ContinuousClock.Instant?>(nil)

    /// The counted bytes of the heads held in memory (`Storage.headBytes`), and of those among them being cut: the
    /// node's store's, and the partition stores' a storage node holds (`countHeads`).
    private let heads: Mutex<[@Sendable () -> (held: Int, cutting: Int)]>

    /// - Parameter maxInFlightBytes: the configured bound on decoded requests held at once; at most 1/16 of the
    ///   ceiling is used.
    init(
        maxInFlightBytes: Int, memoryCeiling: Int,
        heads: @escaping @Sendable () -> (held: Int, cutting: Int) = { (0, 0) }
    ) {
        self.maxInFlightBytes = min(maxInFlightBytes, memoryCeiling / 16)
        self.memoryCeiling = memoryCeiling
        self.heads = Mutex([heads])
    }

    /// Counts these heads as well: a storage node's partition stores, known once it has joined its cluster.
    func countHeads(_ more: @escaping @Sendable () -> (held: Int, cutting: Int)) {
        heads.withLock { $0.append(more) }
    }

    /// Admits `bytes` of decoded request until `release` is called with the same amount.
    func admit(_ bytes: Int) throws(Refusal) {
        try checkMemoryCeiling()
        let admitted = inFlight.withLock { current -> Int? in
            // One request alone may always pass, however large: the body limit already bounds it.
            guard current == 0 || current + bytes <= maxInFlightBytes else { return nil }
            current += bytes
            return current
        }
        guard admitted != nil else {
            throw refused(.busy(inFlightBytes: inFlight.withLock { $0 }, limit: maxInFlightBytes))
        }
    }

    private func refused(_ refusal: Refusal) -> Refusal {
        let now = ContinuousClock.now
        lastRefusal.withLock { $0 = now }
        return refusal
    }

    /// The resident set past which ingest is refused: 85 % of the ceiling.
    var ingestLimit: Int { memoryCeiling / 20 * 17 }

    /// The resident set past which the head is cut early: 60 % of the ceiling.
    var pressureLimit: Int { memoryCeiling / 5 * 3 }

    /// Whether a merge may start (`StorageMaintenance`): not past `pressureLimit`, nor within `mergeQuiet` of the
    /// last refusal. A merge holds the store's maintenance lane, so the head cuts that free memory wait behind it:
    /// in an overload soak, merges started whenever a cut had just brought the resident set under the limit, ran
    /// for 2–3 minutes on the loaded machine, and the heads and the merge together held 1.2–1.38 GB of a 1 GiB
    /// ceiling meanwhile. So under overload blocks stay unmerged (served as they are) until it has passed.
    var mayMerge: Bool {
        guard residentBytes() <= pressureLimit else { return false }
        let now = ContinuousClock.now
        return lastRefusal.withLock { last in last.map { now - $0 >= Self.mergeQuiet } ?? true }
    }

    static let mergeQuiet = Duration.seconds(30)

    /// The head's size (by its own count) at which `MemoryPressureRelief` cuts it: an eighth of the ceiling, or
    /// half that past `pressureLimit`.
    var headCutBytes: Int { memoryCeiling / 8 }

    /// The heads' share of the ceiling, by `headBytes`: two cut sizes, so beside a head of one cut size being
    /// written the live head may fill to about three quarters of one. Heads can cost twice their count in resident
    /// memory under concurrent ingest, the freed requests around them fragmenting the heap: with glibc's default
    /// arenas, an overload soak's resident set swung by 400 MB around heads counted at 200 MiB.
    var headLimit: Int { headCutBytes * 2 }

    /// What the heads cost against `headLimit`: their counted bytes, and a cut's working memory, a quarter of the
    /// head it writes (at most a tenth, measured: `lumen-bench cut-memory`, docs/BENCHMARKS.md).
    var headBytes: Int {
        heads.withLock { $0 }.map { $0() }.reduce(0) { $0 + $1.held + $1.cutting / 4 }
    }

    /// Refuses while the process is past ingest's share of its memory ceiling, or its heads past theirs; cheap
    /// enough to ask before reading a request, and before a storage node's appliers fetch (`mayApplyMore`).
    func checkMemoryCeiling() throws(Refusal) {
        let resident = residentBytes()
        if resident > ingestLimit {
            throw refused(.overMemoryCeiling(residentBytes: resident, limit: ingestLimit, ceiling: memoryCeiling))
        }
        let heads = headBytes
        if heads > headLimit {
            throw refused(.headsOverBudget(heldBytes: heads, limit: headLimit, ceiling: memoryCeiling))
        }
    }

    /// Whether a storage node's appliers may fetch more of their partitions: `checkMemoryCeiling` passes.
    var mayApplyMore: Bool { (try? checkMemoryCeiling()) != nil }

    func release(_ bytes: Int) {
        inFlight.withLock { $0 -= bytes }
    }

    var inFlightBytes: Int { inFlight.withLock { $0 } }

    /// The resident set size, read from /proc at most every 100 ms (it is a syscall and a parse).
    func residentBytes() -> Int {
        let now = ContinuousClock.now
        if let cached = memory.withLock({ now - $0.checkedAt < .milliseconds(100) ? $0.resident : nil }) {
            return cached
        }
        let resident = ResidentMemory.bytes()
        memory.withLock { $0 = (now, resident) }
        return resident
    }
}
