import Foundation
import Logging
import Synchronization

/// The ingest log: a directory of numbered segment files of CRC-checked records (`docs/format/wal.md`).
///
/// Lifecycle: `init` → `replay` (exactly once, before any append) → `append`… → `close`.
/// `append` returns only once its record is on stable storage. Concurrent appends are group-committed: one
/// writer thread takes every pending payload, writes them together, syncs once and resumes them all.
/// A failed commit is undone: the log is cut back to the end of the last successful one, so it always ends on a
/// record boundary, and the failed appends throw. A full disk (`.diskFull`) is a state, not damage: the log
/// reports it (`diskFull`) and tries every later append again; it clears with the first commit that succeeds,
/// or when a probe finds room again (`WALSpaceProbe`). Any other write or fsync failure is sticky: every later
/// append fails with `.durabilityLost` until the log is reopened (and replayed). The contract is in
/// `docs/format/wal.md`, "When a write fails".
///
/// Thread-safety: every method may be called from any thread or task.
public final class WriteAheadLog: @unchecked Sendable {
    // `@unchecked` because the compiler cannot see these rules:
    // - `condition` guards `state` (and only `state`); the writer thread and `close` wait on it;
    // - the applier thread waits on `durableGroups` instead, signalled once per fsynced group and once when the
    //   writer stops, so an append wakes the writer alone;
    // - `writer` is touched by `replay` before the writer thread exists, then only by the writer thread, then by
    //   `close` after that thread has stopped; the lock hand-offs around those moments order the accesses.
    public static let defaultSegmentSize = 64 << 20

    public let directory: String
    /// A new segment starts before a record once the current one holds this many bytes or more.
    public let segmentSize: Int
    let logger: Logger

    let condition = NSCondition()
    var state = State()
    let durableGroups = DispatchSemaphore(value: 0)
    let writer: WALWriter
    /// A test seam: replaces the space probe's check (`WALSpaceProbe.fits`). Set it before the first append;
    /// nothing else may touch it.
    var spaceProbeFits: (@Sendable () -> Bool)?
    /// Told how long each group commit (write and fdatasync) took, for the fsync latency histogram.
    let onCommit: @Sendable (_ records: Int, _ duration: Duration) -> Void

    struct Pending {
        /// The record's bytes; nil marks a rotation (`rotate`).
        var payload: [UInt8]?
        /// Run on the applier thread once the record is durable, in log order, before `continuation` resumes.
        /// For a rotation it gets the index of the first segment that holds later records.
        var whenDurable: @Sendable (_ firstLaterSegment: Int) -> Void
        var continuation: CheckedContinuation<Void, any Error>
        /// Set by the writer thread for a rotation.
        var firstLaterSegment = 0
    }

    struct State {
        enum Phase { case new, replaying, open, closed }
        var phase = Phase.new
        var pending: [Pending] = []
        /// Set by the first failed write or fsync other than a full disk; every later append fails with it.
        var failure: WALError?
        /// Set while the disk is full: by a commit that failed for want of space, cleared by the next one that
        /// succeeds or by the space probe. Appends are still tried.
        var diskFull: WALError?
        var probeRunning = false
        var writerRunning = false
        /// Fsynced groups waiting for the applier thread, oldest first.
        var durable: [[Pending]] = []
        var applierRunning = false
        var stats = WALStats()
    }

    /// Opens (creating if needed) the log directory. Does not read it: call `replay` next.
    public init(
        directory: String, segmentSize: Int = WriteAheadLog.defaultSegmentSize, logger: Logger,
        onCommit: @escaping @Sendable (_ records: Int, _ duration: Duration) -> Void = { _, _ in }
    ) throws {
        guard segmentSize > WALSegment.headerSize + WALRecordHeader.size else {
            throw WALError(.misuse, "segment size \(segmentSize) is too small to hold a record", path: directory)
        }
        try WALFileSystem.makeDirectories(directory)
        self.directory = directory
        self.segmentSize = segmentSize
        self.logger = logger
        self.onCommit = onCommit
        self.writer = WALWriter(directory: directory, segmentSize: segmentSize, logger: logger)
    }

    /// Appends one record and returns once it is durable (written and fdatasynced).
    ///
    /// Throws `.recordTooLarge` for a payload over `WALRecordHeader.maxPayloadLength`, `.misuse` before
    /// `replay`, `.closed` after `close`, and the I/O error (then `.durabilityLost`) if the disk fails.
    /// Cancelling the calling task does not withdraw the record: once handed over, it is written.
    public func append(_ payload: [UInt8]) async throws {
        try await append(payload, whenDurable: {})
    }

    /// Appends one record and returns once it is durable, after running `whenDurable` for it.
    ///
    /// Whether the caller runs on a log's applier thread, where `whenDurable` runs. Marked in the thread's
    /// dictionary: on Linux, `Thread.current.name` does not report the name a `Thread` was given.
    static var isApplierThread: Bool { Thread.current.threadDictionary[applierMark] as? Bool == true }
    private static let applierMark = "lumen.walApplier"

    /// `whenDurable` runs on the applier thread (not the writer), for each record in the order the log holds
    /// them, once their group is fsynced. Applying records to in-memory state there keeps that state in log order,
    /// so what a replay rebuilds is exactly what was served before a crash. Keep it short: every later append's
    /// acknowledgement waits for it (docs/concurrency.md).
    public func append(_ payload: [UInt8], whenDurable: @escaping @Sendable () -> Void) async throws {
        guard payload.count <= WALRecordHeader.maxPayloadLength else {
            throw WALError(.recordTooLarge,
                "record of \(payload.count) bytes exceeds the limit of \(WALRecordHeader.maxPayloadLength)",
                path: directory)
        }
        try await enqueue(payload) { _ in whenDurable() }
    }

    /// Ends the current segment here, in log order: records appended before this call are in segments below the
    /// returned index, records appended after it in that segment or later ones. `whenApplied` runs on the
    /// applier thread after every earlier record's `whenDurable` and before any later one's, with that index:
    /// the moment to swap in-memory state that must match the split exactly (the head before a block cut).
    @discardableResult
    public func rotate(whenApplied: @escaping @Sendable (_ firstLaterSegment: Int) -> Void = { _ in }) async throws
        -> Int
    {
        let boundary = Mutex(0)
        try await enqueue(nil) { firstLaterSegment in
            boundary.withLock { $0 = firstLaterSegment }
            whenApplied(firstLaterSegment)
        }
        return boundary.withLock { $0 }
    }

    /// Deletes the segments below `index`, whose records are all in blocks. Only segments a rotation has closed
    /// may be below it. Returns how many were deleted.
    @discardableResult
    public func removeSegments(before index: Int) throws -> Int {
        let segments = try WALFileSystem.list(directory).compactMap(WALSegment.init(fileName:)).filter { $0.index < index }
        for segment in segments { try WALFileSystem.remove(directory + "/" + segment.fileName) }
        if !segments.isEmpty { try WALFileSystem.syncDirectory(directory) }
        return segments.count
    }

    private func enqueue(_ payload: [UInt8]?, whenDurable: @escaping @Sendable (Int) -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            condition.lock()
            defer { condition.unlock() }
            switch state.phase {
            case .new, .replaying:
                continuation.resume(throwing: WALError(.misuse, "append called before replay", path: directory))
                return
            case .closed:
                continuation.resume(throwing: WALError(.closed, "append after close", path: directory))
                return
            case .open:
                break
            }
            if let failure = state.failure {
                continuation.resume(throwing: failure)
                return
            }
            state.pending.append(Pending(payload: payload, whenDurable: whenDurable, continuation: continuation))
            if !state.writerRunning {
                state.writerRunning = true
                state.applierRunning = true
                let writerThread = Thread { [self] in runWriter() }
                writerThread.name = "lumen-wal-writer"
                writerThread.start()
                let applierThread = Thread { [self] in
                    Thread.current.threadDictionary[Self.applierMark] = true
                    runApplier()
                }
                applierThread.name = "lumen-wal-applier"
                applierThread.start()
            }
            condition.broadcast()
        }
    }

    /// Waits for pending appends to become durable, stops the writer thread and closes the current segment.
    /// Later appends fail with `.closed`. Calling it again does nothing.
    public func close() throws {
        condition.lock()
        if state.phase == .closed {
            condition.unlock()
            return
        }
        state.phase = .closed
        condition.broadcast()
        while state.writerRunning || state.applierRunning || state.probeRunning { condition.wait() }
        condition.unlock()
        try writer.close()
    }

    /// The sticky failure that refuses every append, if a write or fsync has failed.
    public var failure: WALError? {
        condition.lock()
        defer { condition.unlock() }
        return state.failure
    }

    /// Why appends fail for want of space right now, or nil: set by a commit that found the disk full, cleared
    /// by the next commit that succeeds or by the space probe.
    public var diskFull: WALError? {
        condition.lock()
        defer { condition.unlock() }
        return state.diskFull
    }

    /// Counters since `init`.
    public var stats: WALStats {
        condition.lock()
        defer { condition.unlock() }
        return state.stats
    }

    /// The writer thread: drains `pending` in batches until the log is closed and nothing is left.
    private func runWriter() {
        while true {
            condition.lock()
            while state.pending.isEmpty && state.phase != .closed { condition.wait() }
            if state.pending.isEmpty {
                state.writerRunning = false
                condition.broadcast()
                condition.unlock()
                durableGroups.signal()  // the applier sees the writer gone once the groups before are applied
                return
            }
            var batch = state.pending
            state.pending.removeAll(keepingCapacity: true)
            let earlierFailure = state.failure
            condition.unlock()

            if let earlierFailure {
                for item in batch { item.continuation.resume(throwing: earlierFailure) }
                continue
            }
            do {
                let started = ContinuousClock.now
                let counts = try writer.commit(batch.lazy.map(\.payload))
                var rotations = counts.rotations.makeIterator()
                for index in batch.indices where batch[index].payload == nil {
                    batch[index].firstLaterSegment = rotations.next()!
                }
                onCommit(batch.count, ContinuousClock.now - started)
                condition.lock()
                state.diskFull = nil
                state.stats.records += counts.records
                state.stats.bytes += counts.bytes
                state.stats.fsyncs += counts.fsyncs
                state.stats.segments += counts.segments
                state.stats.commits += 1
                condition.unlock()
                // The applier runs `whenDurable` and resumes the appends, in log order, while this thread
                // goes on writing and syncing the next group.
                condition.lock()
                state.durable.append(batch)
                condition.unlock()
                durableGroups.signal()
            } catch {
                let cause = error as? WALError ?? WALError(.io, "\(error)", path: directory)
                failed(batch, cause)
            }
        }
    }

    /// Fails a batch whose commit was undone (or could not be): a full disk becomes the `diskFull` state, which
    /// the space probe watches; anything else becomes the sticky `failure`.
    private func failed(_ batch: [Pending], _ cause: WALError) {
        condition.lock()
        if cause.code == .diskFull {
            let first = state.diskFull == nil
            state.diskFull = WALError(.diskFull,
                "the disk holding the log is full (\(cause.message)); the write was undone, retry later",
                path: cause.path, offset: cause.offset, errno: cause.errno)
            let probe = first && !state.probeRunning && state.phase == .open
            if probe { state.probeRunning = true }
            condition.unlock()
            if first {
                logger.error("WAL: the disk is full; writes are refused until space returns", metadata: [
                    "error": "\(cause)", "records": "\(batch.count)",
                ])
            }
            if probe { startSpaceProbe() }
        } else {
            state.failure = WALError(.durabilityLost,
                "an earlier write or fsync failed (\(cause.message)); reopen and replay the log",
                path: cause.path, offset: cause.offset, errno: cause.errno)
            condition.unlock()
            logger.error("WAL write failed; no further appends will be accepted", metadata: [
                "error": "\(cause)", "records": "\(batch.count)",
            ])
        }
        for item in batch { item.continuation.resume(throwing: cause) }
    }

    /// While the disk is full, tries every `WALSpaceProbe.interval` whether a probe file fits, and clears the
    /// state when it does, so that readiness returns without waiting for a client's write.
    private func startSpaceProbe() {
        let probe = WALSpaceProbe(directory: directory)
        let fits = spaceProbeFits ?? { probe.fits() }
        let thread = Thread { [self] in
            condition.lock()
            while state.phase == .open, state.diskFull != nil {
                _ = condition.wait(until: Date().addingTimeInterval(WALSpaceProbe.interval))
                guard state.phase == .open, state.diskFull != nil else { break }
                condition.unlock()
                let found = fits()
                condition.lock()
                if found, state.diskFull != nil {
                    state.diskFull = nil
                    logger.info("WAL: space is available again; writes are accepted")
                }
            }
            state.probeRunning = false
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "lumen-wal-space-probe"
        thread.start()
    }

    /// The applier thread: for each fsynced group, in order, runs every `whenDurable` and resumes its append.
    /// Separate from the writer so that applying one group overlaps the fsync of the next.
    private func runApplier() {
        while true {
            durableGroups.wait()
            condition.lock()
            guard !state.durable.isEmpty else {
                // Signalled by the writer stopping: every group before has been applied.
                state.applierRunning = false
                condition.broadcast()
                condition.unlock()
                return
            }
            let group = state.durable.removeFirst()
            condition.unlock()
            for item in group {
                item.whenDurable(item.firstLaterSegment)
                item.continuation.resume()
            }
        }
    }
}
