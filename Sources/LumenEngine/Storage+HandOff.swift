import Foundation
import LumenModel

/// Cutting the head into blocks that are stored somewhere else — a cluster's shared block store — instead of this
/// store's `blocks/`: the store then serves only what arrived after the cut (docs/cluster.md, "Blocks in shared
/// storage").
extension Storage {
    /// Swaps in an empty head at a point of the log, hands the old head to `write` (which must make it durable
    /// elsewhere, or throw), then deletes the log segments before that point. Returns false when the head was
    /// empty (nothing handed off).
    ///
    /// The handed-off head is still read for `keepReadableFor`, so a reader that listed the other store before
    /// the blocks appeared there still finds the data here (the querier drops what two sources hold alike). If
    /// `write` throws, the head is back in the log's replay (its segments stay) and the store must be closed and
    /// reopened before it is handed off again; this store's appends go on meanwhile.
    ///
    /// Contract: the caller serialises appends and hand-offs when it needs to know exactly what a cut holds (the
    /// cluster's applier appends and hands off from one thread).
    @discardableResult
    public func handOff(
        keepReadableFor linger: Duration, _ write: @escaping @Sendable (Head) throws -> Void
    ) async throws -> Bool {
        try await lane.run {
            defer { HeapAllocator.releaseFreeMemory() }
            guard state.withLock({ $0.cutting == nil && !$0.head.isEmpty }) else {
                if state.withLock({ $0.cutting != nil }) {
                    throw StorageHandOffError(
                        description: "an earlier hand-off failed; reopen the store to hand its head off again")
                }
                return false
            }
            let boundary = try await wal.rotate { [self] boundary in
                state.withLock { state in
                    state.cutting = (state.head, boundary)
                    state.head = Head()
                }
            }
            guard let cutting = state.withLock({ $0.cutting?.head }) else { return false }
            try await BlockingWork.run("lumen-hand-off") { try write(cutting) }
            let blocksDirectory = self.blocksDirectory
            try Self.writeCheckpoint(boundary, in: blocksDirectory)
            state.withLock { state in
                state.handedOff.removeAll { $0.until <= .now }
                state.handedOff.append((cutting, .now + linger))
                state.cutting = nil
            }
            try wal.removeSegments(before: boundary)
            return true
        }
    }

    /// Forgets the handed-off heads whose time to stay readable is up at `now` (their memory goes back).
    public func forgetHandedOffHeads(at now: ContinuousClock.Instant = .now) {
        let dropped = state.withLock { state -> Bool in
            let before = state.handedOff.count
            state.handedOff.removeAll { $0.until <= now }
            return state.handedOff.count != before
        }
        if dropped { HeapAllocator.releaseFreeMemory() }
    }
}

/// A hand-off refused because an earlier one failed (its head is neither here nor there until a reopen).
public struct StorageHandOffError: Error, CustomStringConvertible, Sendable {
    public var description: String
}
