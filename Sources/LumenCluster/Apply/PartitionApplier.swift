import Dispatch
import Foundation
import Logging
import LumenEngine
import LumenModel
import Synchronization

/// A storage node's apply loop for one partition it owns: a durable pull consumer of its own epoch
/// (`p<partition>-e<epoch>`, starting after the highest sequence this node applied), and for each fetch: drop the
/// messages already applied (by sequence or batch ID), append the rest to the local store (WAL fsync, then the
/// head), record them as applied, then acknowledge them.
///
/// Fencing: before appending and before acknowledging it asks `mayApply` (the lease is still valid); once that
/// says no, it stops without acknowledging, so the next owner receives those messages. What it did append is
/// recorded as applied all the same, so the store and its record agree: a partition that returns to this node
/// resumes exactly after what its store holds.
///
/// Memory: while `mayFetch` says no (the node is past its memory ceiling: the server's admission gate), it fetches
/// nothing, so the backlog waits in the stream rather than in this node's heads, and with a shared block store it
/// flushes the partition's head to free it. It resumes on its own once `mayFetch` says yes.
///
/// With a shared block store its thread is the only one that appends to the partition's store and flushes it
/// (`PartitionStore`'s contract): others ask it to flush (`requestFlush`, `requestStop(flushingFirst:)`) and it does so
/// between fetches.
///
/// Contract: runs on a thread of its own (`PullConsumer.fetch` blocks); `stop` waits for it to end.
public final class PartitionApplier: Sendable {
    public enum State: String, Sendable {
        /// `paused`: not fetching while the node is past its memory ceiling (`mayFetch`).
        case starting, active, paused, stopped, fenced, failed
    }

    public struct Progress: Sendable {
        public var state: State = .starting
        /// The highest stream sequence applied (or found already applied).
        public var appliedSequence: UInt64 = 0
        /// The partition's messages in its stream not yet applied, as of the last fetch (0 once a fetch found
        /// nothing); nil before the first fetch.
        public var pending: UInt64?
        public var appliedMessages = 0
        public var duplicateMessages = 0
        public var lastError: String?
    }

    public let partition: Int
    public let epoch: UInt64
    private let jetStream: JetStream
    private let layout: StreamLayout
    private let storage: Storage
    private let applied: Mutex<AppliedBatches>
    private let mayApply: @Sendable () -> Bool
    /// Whether the node has memory for more (`AdmissionGate`): asked before every fetch.
    private let mayFetch: @Sendable () -> Bool
    /// Called between fetches with the highest sequence applied: flushes the head to the shared block store when
    /// due, or at once with `now` (`PartitionStore`); throws `ApplyStop.fenced` once the flush may no longer be
    /// committed.
    private let flush: (@Sendable (_ appliedThrough: UInt64, _ now: Bool) throws -> Void)?
    /// The tenants' limits on stored state, enforced before each append (`TenantLimiter`); nil: none.
    private let limiter: TenantLimiter?
    private let logger: Logger
    private let stopping = Atomic<Bool>(false)
    /// Whether the loop flushes once more before it ends (a partition given up).
    private let flushOnStop = Atomic<Bool>(false)
    /// Flushes other threads wait for (`requestFlush`); nil once the loop has ended.
    private let flushRequests = Mutex<[FlushRequest]?>([])
    /// Signalled when the loop ends, and again by each waiter, so every `stop` returns.
    private let finished = DispatchSemaphore(value: 0)
    private let progressState = Mutex(Progress())
    let fetchSize: Int
    let fetchWait: Duration

    public init(
        partition: Int, epoch: UInt64, layout: StreamLayout, jetStream: JetStream, storage: Storage,
        applied: AppliedBatches, startAfter: UInt64 = 0, fetchSize: Int = 64, fetchWait: Duration = .milliseconds(500),
        logger: Logger, flush: (@Sendable (_ appliedThrough: UInt64, _ now: Bool) throws -> Void)? = nil,
        limiter: TenantLimiter? = nil, mayFetch: @escaping @Sendable () -> Bool = { true },
        mayApply: @escaping @Sendable () -> Bool
    ) {
        self.limiter = limiter
        self.partition = partition
        self.epoch = epoch
        self.layout = layout
        self.jetStream = jetStream
        self.storage = storage
        self.applied = Mutex(applied)
        self.fetchSize = fetchSize
        self.fetchWait = fetchWait
        self.logger = logger
        self.mayApply = mayApply
        self.mayFetch = mayFetch
        self.flush = flush
        progressState.withLock { $0.appliedSequence = max(applied.highestSequence, startAfter) }
    }

    public var progress: Progress { progressState.withLock { $0 } }

    public var consumerName: String { "p\(partition)-e\(epoch)" }

    /// Starts the apply thread.
    public func start() {
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "lumen-apply-p\(partition)"
        thread.start()
    }

    /// Asks the loop to stop after its current fetch (at most `fetchWait`), without waiting: it neither appends nor
    /// acknowledges once its lease is no longer valid, so the caller need not wait to give the lease up. With
    /// `flushingFirst`, it flushes what it applied before it ends (while its lease is valid), so the partition's
    /// next owner resumes from the shared block store rather than the stream.
    public func requestStop(flushingFirst: Bool = false) {
        if flushingFirst { flushOnStop.store(true, ordering: .sequentiallyConsistent) }
        stopping.store(true, ordering: .sequentiallyConsistent)
    }

    /// Asks the loop to stop and waits for it. Blocks.
    public func stop() {
        requestStop()
        finished.wait()
        finished.signal()
    }

    /// Asks the loop to flush the partition's store to the shared block store now, on its thread, after its
    /// current fetch (so within `fetchWait` plus the flush); `FlushRequest.wait` waits for it. Without a shared
    /// block store the request is answered at once.
    func requestFlush() -> FlushRequest {
        let request = FlushRequest(partition: partition)
        let queued = flush != nil && flushRequests.withLock { requests in
            requests?.append(request)
            return requests != nil
        }
        if !queued { request.complete(flush == nil ? nil : FlushError.notApplying(partition)) }
        return request
    }

    public enum FlushError: Error, CustomStringConvertible {
        case notApplying(Int)
        case timedOut(Int)

        public var description: String {
            switch self {
            case .notApplying(let partition): "partition \(partition) is no longer applied here"
            case .timedOut(let partition): "partition \(partition) did not flush in time"
            }
        }
    }

    /// A flush asked of the loop (`requestFlush`).
    final class FlushRequest: Sendable {
        let partition: Int
        private let done = DispatchSemaphore(value: 0)
        private let error = Mutex<(any Error)?>(nil)

        init(partition: Int) { self.partition = partition }

        func complete(_ error: (any Error)?) {
            self.error.withLock { $0 = error }
            done.signal()
        }

        /// Waits until the flush is done, at most until `deadline`. Throws `ApplyStop.fenced` (the lease moved on),
        /// `FlushError`, or the flush's error. Blocks.
        func wait(until deadline: ContinuousClock.Instant) throws {
            let left = max(deadline - .now, .zero)
            guard done.wait(timeout: .now() + left.seconds) == .success else {
                throw FlushError.timedOut(partition)
            }
            if let error = error.withLock({ $0 }) { throw error }
        }
    }

    /// Runs the due flush, or a forced one when someone asked (`requestFlush`), and answers those who asked.
    private func flushBetweenFetches() throws {
        guard let flush else { return }
        let asked = flushRequests.withLock { requests -> [FlushRequest] in
            defer { if requests != nil { requests = [] } }
            return requests ?? []
        }
        do {
            try flush(progress.appliedSequence, !asked.isEmpty)
        } catch {
            asked.forEach { $0.complete(error) }
            throw error
        }
        asked.forEach { $0.complete(nil) }
    }

    private func run() {
        let consumer: PullConsumer
        do {
            consumer = try PullConsumer(
                jetStream: jetStream,
                configuration: ConsumerConfiguration(
                    stream: layout.stream(ofPartition: partition), durableName: consumerName,
                    filterSubject: layout.subject(ofPartition: partition),
                    startSequence: progress.appliedSequence + 1))
        } catch {
            finish(.failed, error: "\(error)")
            return
        }
        defer { consumer.close() }
        progressState.withLock { $0.state = .active }
        while !stopping.load(ordering: .sequentiallyConsistent) {
            guard mayApply() else {
                finish(.fenced, error: nil)
                return
            }
            do {
                try flushBetweenFetches()  // first: a fetch that finds nothing ends in a timeout
                guard mayFetch() else {
                    try pauseForMemory()
                    continue
                }
                resumeIfPaused()
                let messages = try consumer.fetch(max: fetchSize, maxWait: fetchWait)
                if messages.isEmpty {
                    progressState.withLock { $0.pending = 0 }  // a whole wait with nothing new: caught up
                } else {
                    try apply(messages)
                }
            } catch let error as NATSError where error.isTimeout || error.isNoResponders {
                continue  // nothing to fetch, or the stream's leader is moving: fetch again
            } catch ApplyStop.fenced {
                finish(.fenced, error: nil)
                return
            } catch {
                // The store refused the write (disk full, a failed fsync): nothing was acknowledged, so the
                // messages come again; stop rather than spin, and say why.
                finish(.failed, error: "\(error)")
                return
            }
        }
        if flushOnStop.load(ordering: .sequentiallyConsistent), let flush, mayApply() {
            do {
                try flush(progress.appliedSequence, true)
            } catch {
                logger.warning("partition \(partition): the flush before giving it up failed: \(error)")
            }
        }
        finish(.stopped, error: nil)
    }

    /// Past the memory ceiling: flushes what the partition's store holds (with a shared block store; without one the
    /// node's own store is cut by `MemoryPressureRelief`) and waits a fetch's wait before asking again.
    private func pauseForMemory() throws {
        if exchangeState(.paused) != .paused {
            logger.warning("partition \(partition): the node is past its memory ceiling; not applying until it has room")
        }
        try flush?(progress.appliedSequence, true)
        Thread.sleep(forTimeInterval: Double(fetchWait.milliseconds) / 1000)
    }

    private func resumeIfPaused() {
        if exchangeState(.active) == .paused {
            logger.info("partition \(partition): the node has room in memory again; applying")
        }
    }

    /// Sets the state; returns the one it replaced.
    private func exchangeState(_ state: State) -> State {
        progressState.withLock { progress in
            defer { progress.state = state }
            return progress.state
        }
    }

    /// The lease (or the flushed sequence it fences) is no longer this applier's.
    enum ApplyStop: Error { case fenced }

    private func finish(_ state: State, error: String?) {
        let unanswered = flushRequests.withLock { requests in
            defer { requests = nil }
            return requests ?? []
        }
        unanswered.forEach { $0.complete(FlushError.notApplying(partition)) }
        progressState.withLock {
            $0.state = state
            if let error { $0.lastError = error }
        }
        if let error { logger.error("partition \(partition) stopped applying: \(error)") }
        if state == .fenced { logger.warning("partition \(partition) epoch \(epoch): lease no longer valid, stopped") }
    }

    /// Consecutive new messages of one tenant: their batches merged, appended in one go, then recorded as applied.
    private struct Run {
        var batch: Batch?
        var messages: [(sequence: UInt64, id: String)] = []
    }

    /// Applies one fetch: the new messages' batches, merged per tenant in stream order, in one append each.
    ///
    /// Each run is recorded as applied right after its append, whether or not the lease is still valid then: the
    /// record says what the local store holds (the lease fences the append, not the bookkeeping after it). A run
    /// appended but not recorded would be applied again when the partition returns to this node — the store
    /// would hold it twice.
    private func apply(_ messages: [FetchedMessage]) throws {
        var runs: [Run] = []
        var seen: Set<String> = []
        var duplicates = 0
        var highest: UInt64 = 0
        applied.withLock { applied in
            for message in messages {
                highest = max(highest, message.streamSequence)
                let id = message.header(BatchID.header) ?? "sequence-\(message.streamSequence)"
                if applied.contains(sequence: message.streamSequence, id: id) || !seen.insert(id).inserted {
                    duplicates += 1
                    continue
                }
                do {
                    let batch = try BatchRecord.decode(message.payload)
                    if let last = runs.indices.last, runs[last].batch?.tenant == batch.tenant {
                        runs[last].batch?.spans += batch.spans
                        runs[last].batch?.logs += batch.logs
                        runs[last].batch?.series += batch.series
                    } else {
                        runs.append(Run(batch: batch))
                    }
                } catch {
                    // Not a batch record this build reads: skipped (and acknowledged), never retried forever.
                    logger.error("partition \(partition): skipping message \(message.streamSequence): \(error)")
                    if runs.isEmpty { runs.append(Run(batch: nil)) }
                }
                runs[runs.count - 1].messages.append((message.streamSequence, id))
            }
        }
        for run in runs {
            guard mayApply() else { throw ApplyStop.fenced }
            if let batch = run.batch { try append(batch) }
            try applied.withLock { try $0.record(run.messages) }
            progressState.withLock { $0.appliedMessages += run.messages.count }
        }
        guard mayApply() else { throw ApplyStop.fenced }
        for message in messages { try? message.acknowledge() }
        progressState.withLock {
            $0.appliedSequence = max($0.appliedSequence, highest)
            $0.pending = messages.last?.pending
            $0.duplicateMessages += duplicates
        }
    }

    /// `Storage.append` is async; this thread is not on Swift's pool, so it waits for it here. With a limiter, the
    /// batch goes without the new series and streams over its tenant's limits, and what the store dropped is counted.
    private func append(_ batch: Batch) throws {
        let storage = self.storage
        guard let limiter else { return try waitForTask { _ = try await storage.append(batch) } }
        let admission = try limiter.admit(batch, into: storage)
        let report = Mutex<AppendReport?>(nil)
        defer { limiter.appended(admission, report: report.withLock { $0 }) }
        let kept = admission.batch
        try waitForTask { [kept] in
            let appended = try await storage.append(kept)
            report.withLock { $0 = appended }
        }
    }
}
