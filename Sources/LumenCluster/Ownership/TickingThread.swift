import Foundation
import Synchronization

/// A thread of its own that runs `tick` every `interval` until stopped: the loop of the lease holders
/// (`PartitionOwnership`, `RuleGroupLeases`), whose KV calls block.
final class TickingThread: Sendable {
    private let stopping = Atomic<Bool>(false)
    /// Signalled by `stop`: ends the wait between ticks at once, however long the interval.
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let name: String
    private let interval: Duration
    private let tick: @Sendable () -> Void

    init(name: String, interval: Duration, tick: @escaping @Sendable () -> Void) {
        self.name = name
        self.interval = interval
        self.tick = tick
    }

    func start() {
        let thread = Thread { [self] in
            while !stopping.load(ordering: .sequentiallyConsistent) {
                tick()
                _ = wake.wait(timeout: .now() + interval.seconds)
            }
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Ends the loop and waits for the tick in progress; false when it was already stopped. Blocks.
    func stop() -> Bool {
        guard !stopping.exchange(true, ordering: .sequentiallyConsistent) else { return false }
        wake.signal()
        finished.wait()
        return true
    }
}
