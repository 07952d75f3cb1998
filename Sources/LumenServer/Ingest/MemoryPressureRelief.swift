import Logging
import LumenEngine
import ServiceLifecycle
import Synchronization

/// Cuts the head early to keep the process under its memory ceiling. The head is most of what ingest keeps (its
/// own count of its bytes was 10–20 % above its resident cost in a release run of `lumen load`), and waiting for
/// `head_max_bytes` or `head_max_age` would leave every write refused at the ceiling for as long. A cut keeps the
/// old head until its blocks are written while a new one fills, and adds its own working memory, so heads are kept
/// small beside the ceiling: measured with `Scripts/bench/overload.py`, a 490 MB head (counted) took two minutes to
/// cut on a loaded machine and the process peaked 19 % over a 1 GiB ceiling meanwhile.
///
/// Contract: every `interval`, the head is cut — on the store's maintenance lane, so after any step in progress —
/// once it holds the gate's `headCutBytes`, or half that while the resident set is past the gate's
/// `pressureLimit`. Past `pressureLimit` with a smaller head (a cut would free too little to be worth a block),
/// the allocator's free pages are given back instead, at most once a second: what many concurrent requests
/// decoded stays in glibc's per-thread arenas after they are done.
final class MemoryPressureRelief: Service {
    let storage: Storage
    let gate: AdmissionGate
    let telemetry: SelfTelemetry
    let logger: Logger
    private let lastRelease = Mutex(ContinuousClock.now - .seconds(1))

    /// How often the head is looked at. Under overload a head grew by 30–40 MiB a second, and checked every
    /// second it was cut at 140–300 MiB against a 128 MiB `headCutBytes` (`Scripts/bench/overload.py --trace`).
    static let interval = Duration.milliseconds(200)

    init(storage: Storage, gate: AdmissionGate, telemetry: SelfTelemetry, logger: Logger) {
        self.storage = storage
        self.gate = gate
        self.telemetry = telemetry
        self.logger = logger
    }

    func run() async throws {
        await everyInterval(Self.interval) { [self] in await relieve() }
    }

    /// One check, and the cut it calls for. Returns whether it cut.
    @discardableResult
    func relieve() async -> Bool {
        let resident = gate.residentBytes()
        let pressed = resident > gate.pressureLimit
        let head = storage.head.memory.bytes
        guard head >= gate.headCutBytes || pressed && head >= gate.headCutBytes / 2 else {
            if pressed && releaseDue() { HeapAllocator.releaseFreeMemory() }
            return false
        }
        logger.info("cutting the head early to stay under the memory ceiling", metadata: [
            "residentMiB": "\(resident >> 20)", "ceilingMiB": "\(gate.memoryCeiling >> 20)", "headMiB": "\(head >> 20)",
        ])
        do {
            try await storage.flush()
            telemetry.memoryPressureCut()
            return true
        } catch {
            logger.error("an early head cut failed; retrying", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Whether a second has passed since the free pages were last given back (a walk of every arena's free lists).
    private func releaseDue() -> Bool {
        let now = ContinuousClock.now
        return lastRelease.withLock { last in
            guard now - last >= .seconds(1) else { return false }
            last = now
            return true
        }
    }
}
