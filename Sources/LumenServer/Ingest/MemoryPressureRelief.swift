import Logging
import LumenEngine
import ServiceLifecycle

/// Cuts the head early when the process nears its memory ceiling. The head is most of what ingest keeps, and
/// waiting for `head_max_bytes` or `head_max_age` would leave every write refused at the ceiling for as long:
/// the head's own count of its bytes is a fraction of what it costs in resident memory.
///
/// Contract: every second, once the resident set is past the gate's `pressureLimit`, the head is cut if it holds
/// at least a sixteenth of the ceiling — on the store's maintenance lane, so after any step in progress — and
/// otherwise (a cut would free too little to be worth a block) the allocator's free pages are given back: what
/// many concurrent requests decoded stays in glibc's per-thread arenas after they are done.
struct MemoryPressureRelief: Service {
    let storage: Storage
    let gate: AdmissionGate
    let telemetry: SelfTelemetry
    let logger: Logger

    func run() async throws {
        await everyInterval(.seconds(1)) { await relieve() }
    }

    /// One check, and the cut it calls for. Returns whether it cut.
    @discardableResult
    func relieve() async -> Bool {
        let resident = gate.residentBytes()
        guard resident > gate.pressureLimit else { return false }
        let head = storage.head.memory.bytes
        guard head >= gate.memoryCeiling / 16 else {
            HeapAllocator.releaseFreeMemory()
            return false
        }
        logger.info("cutting the head early: the process nears its memory ceiling", metadata: [
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
}
