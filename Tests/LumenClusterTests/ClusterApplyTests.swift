import Foundation
import LumenCluster
import LumenEngine
import LumenModel
import Synchronization
import Testing

/// The whole write path on a real nats-server: a collector's batch split by partition and published; storage-node
/// appliers pulling each partition into a real store, each message applied exactly once.
@Suite(.enabled(if: NATSServerProcess.isInstalled, NATSServerProcess.skipReason), .timeLimit(.minutes(1)))
struct ClusterApplyTests {
    let layout = StreamLayout(partitions: 6, streams: 2)

    /// Spans of traces `round`.1…, a log record each under its trace, a series each: distinct from any other round's.
    static func batch(traces: Int, round: UInt64 = 7, tenant: Tenant = Tenant("shop")!) -> Batch {
        let now = Int64(Date().timeIntervalSince1970) * 1_000_000_000
        let resource = Resource(attributes: [Attribute("service.name", .string("cart"))])
        var batch = Batch(tenant: tenant)
        for index in 0..<traces {
            let trace = TraceID(high: round, low: UInt64(index + 1))
            batch.spans.append(Span(
                traceID: trace, spanID: SpanID(UInt64(index + 1)), name: "GET /cart", kind: .server,
                startTime: now + Int64(index), endTime: now + Int64(index) + 1_000, resource: resource))
            batch.logs.append(LogRecord(
                time: now + Int64(index), body: .string("loaded cart \(round).\(index)"), traceID: trace,
                resource: resource))
            batch.series.append(TimeSeries(
                labels: Labels([Label("__name__", "carts_total"), Label("cart", "\(round).\(index)")]),
                samples: [Sample(timestamp: now, value: Double(index))]))
        }
        return batch
    }

    func createStreams(_ jetStream: JetStream) throws {
        for (index, name) in layout.streamNames.enumerated() {
            try jetStream.createOrReuseStream(StreamConfiguration(
                name: name, subjects: layout.subjects(ofStream: index), replicas: 1, maxAge: .seconds(3600),
                maxBytes: 64 << 20))
        }
    }

    /// Appliers for every partition into `storage`, until every stream's last sequence is applied.
    func applyAll(
        _ jetStream: JetStream, storage: Storage, directory: String, epoch: UInt64
    ) throws -> [PartitionApplier] {
        var appliers: [PartitionApplier] = []
        for partition in 0..<layout.partitions {
            let applier = PartitionApplier(
                partition: partition, epoch: epoch, layout: layout, jetStream: jetStream, storage: storage,
                applied: try AppliedBatches(directory: directory, partition: partition),
                fetchWait: .milliseconds(100), logger: ClusterTestSupport.quietLogger) { true }
            applier.start()
            appliers.append(applier)
        }
        return appliers
    }

    /// Stops appliers and waits for them, off Swift's cooperative pool: a stop waits for the applier's append in
    /// progress, which runs on that pool.
    static func stop(_ appliers: [PartitionApplier]) async {
        await ClusterTestSupport.offPool { appliers.forEach { $0.stop() } }
    }

    @Test func aBatchSplitByPartitionIsAppliedExactlyOnceEvenWhenPublishedTwice() async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        try createStreams(jetStream)
        let publisher = ClusterPublisher(jetStream: jetStream, layout: layout)
        let batch = Self.batch(traces: 40)
        let id = BatchID.random()
        let receipts = try await publisher.publish(batch, id: id)
        #expect(Set(receipts.map(\.partition)).count > 3)
        // A retry after a lost acknowledgement: the same parts under the same IDs, stored a second time.
        let retried = try await publisher.publish(batch, id: id)
        #expect(retried.map(\.batchID) == receipts.map(\.batchID))
        #expect(Set(retried.map(\.sequence)).isDisjoint(with: receipts.map(\.sequence)) || layout.streams > 1)
        await publisher.shutdown()

        let directory = ClusterTestSupport.scratch("apply")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory + "/data", logger: ClusterTestSupport.quietLogger)
        let appliers = try applyAll(jetStream, storage: storage, directory: directory + "/cluster", epoch: 1)
        let lastSequences = try layout.streamNames.map { try #require(try jetStream.streamState($0)).lastSequence }
        let applied = await ClusterTestSupport.eventually {
            appliers.allSatisfy { $0.progress.state == .active }
                && appliers.reduce(0) { $0 + $1.progress.appliedMessages + $1.progress.duplicateMessages }
                    == 2 * receipts.count
        }
        // Caught up: the next fetch finds nothing, so each partition's lag (what `/metrics` shows) is 0.
        let caughtUp = await ClusterTestSupport.eventually { appliers.allSatisfy { $0.progress.pending == 0 } }
        await Self.stop(appliers)
        #expect(caughtUp, "\(appliers.map(\.progress.pending))")
        #expect(applied, "\(appliers.map(\.progress))")
        #expect(appliers.reduce(0) { $0 + $1.progress.appliedMessages } == receipts.count)
        #expect(appliers.reduce(0) { $0 + $1.progress.duplicateMessages } == receipts.count)
        #expect(Set(appliers.map(\.progress.appliedSequence)).isSubset(of: Set(lastSequences + [0]).union(
            Set(receipts.map(\.sequence) + retried.map(\.sequence)))))
        let stats = storage.head.statistics
        #expect(stats.spans == 40 && stats.logs == 40 && stats.samples == 40 && stats.series == 40)
        try storage.close()

        // Restarted on its disk: the applied sequences and IDs are recovered, nothing is applied again.
        let reopened = try Storage(directory: directory + "/data", logger: ClusterTestSupport.quietLogger)
        defer { try? reopened.close() }
        let resumed = try applyAll(jetStream, storage: reopened, directory: directory + "/cluster", epoch: 2)
        #expect(await ClusterTestSupport.eventually { resumed.allSatisfy { $0.progress.state == .active } })
        try await Task.sleep(for: .milliseconds(300))  // a few empty fetches
        await Self.stop(resumed)
        #expect(resumed.allSatisfy { $0.progress.appliedMessages == 0 })
        #expect(zip(resumed, appliers).allSatisfy { $0.progress.appliedSequence == $1.progress.appliedSequence })
        let again = reopened.head.statistics
        #expect(again.spans == 40 && again.logs == 40 && again.samples == 40)
    }

    /// A crash after a fetch's WAL fsync and before its applied record's (`AppliedBatches`): after the restart the
    /// log replays the fetch into the head, and the applier, which does not know it applied it, applies it again.
    /// The head drops every repeated item (a span by trace and span ID, a log record by stream, time and line, a
    /// sample by series, time and value), so each is stored once. Simulated by removing the applied records.
    @Test func aFetchAppliedAgainAfterACrashBeforeItsAppliedRecordIsStoredOnce() async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        try createStreams(jetStream)
        let publisher = ClusterPublisher(jetStream: jetStream, layout: layout)
        let receipts = try await publisher.publish(Self.batch(traces: 40))
        await publisher.shutdown()
        let directory = ClusterTestSupport.scratch("crash-before-record")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory + "/data", logger: ClusterTestSupport.quietLogger)
        let appliers = try applyAll(jetStream, storage: storage, directory: directory + "/cluster", epoch: 1)
        #expect(await ClusterTestSupport.eventually {
            appliers.reduce(0) { $0 + $1.progress.appliedMessages } == receipts.count
        })
        await Self.stop(appliers)
        try storage.close()
        try FileManager.default.removeItem(atPath: directory + "/cluster")

        let reopened = try Storage(directory: directory + "/data", logger: ClusterTestSupport.quietLogger)
        let again = try applyAll(jetStream, storage: reopened, directory: directory + "/cluster", epoch: 2)
        #expect(await ClusterTestSupport.eventually {
            again.reduce(0) { $0 + $1.progress.appliedMessages } == receipts.count
        }, "every message is applied a second time")
        await Self.stop(again)
        let stats = reopened.head.statistics
        #expect(stats.spans == 40 && stats.logs == 40 && stats.samples == 40 && stats.series == 40, "\(stats)")
        try reopened.close()
        // The log holds both appends; a replay keeps one of each.
        let replayed = try Storage(directory: directory + "/data", logger: ClusterTestSupport.quietLogger)
        defer { try? replayed.close() }
        let afterReplay = replayed.head.statistics
        #expect(afterReplay.spans == 40 && afterReplay.logs == 40 && afterReplay.samples == 40, "\(afterReplay)")
    }

    /// Past the memory ceiling (`mayFetch` says no) an applier fetches nothing: the messages wait in the stream,
    /// the partition says `paused`, and it applies them once there is room again. Paused with something applied, it
    /// flushes at once (with a shared block store that frees the partition's head).
    @Test func anApplierPastTheMemoryCeilingWaitsAndResumesWhenThereIsRoom() async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        try createStreams(jetStream)
        let publisher = ClusterPublisher(jetStream: jetStream, layout: layout)
        let receipts = try await publisher.publish(Self.batch(traces: 20)).filter { $0.partition == 0 }
        await publisher.shutdown()
        #expect(!receipts.isEmpty)
        let directory = ClusterTestSupport.scratch("memory")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory + "/data", logger: ClusterTestSupport.quietLogger)
        defer { try? storage.close() }
        let room = Atomic<Bool>(false)
        let forcedFlushes = Mutex<[UInt64]>([])
        let applier = PartitionApplier(
            partition: 0, epoch: 1, layout: layout, jetStream: jetStream, storage: storage,
            applied: try AppliedBatches(directory: directory, partition: 0), fetchWait: .milliseconds(100),
            logger: ClusterTestSupport.quietLogger,
            flush: { through, now in if now { forcedFlushes.withLock { $0.append(through) } } },
            mayFetch: { room.load(ordering: .sequentiallyConsistent) }
        ) { true }
        applier.start()
        #expect(await ClusterTestSupport.eventually { applier.progress.state == .paused })
        try await Task.sleep(for: .milliseconds(300))
        #expect(applier.progress.appliedMessages == 0 && storage.head.statistics.spans == 0)
        room.store(true, ordering: .sequentiallyConsistent)
        #expect(await ClusterTestSupport.eventually { applier.progress.appliedMessages == receipts.count })
        #expect(applier.progress.state == .active)
        let applied = applier.progress.appliedSequence
        room.store(false, ordering: .sequentiallyConsistent)
        #expect(await ClusterTestSupport.eventually { forcedFlushes.withLock { $0.contains(applied) } })
        #expect(applier.progress.state == .paused)
        await Self.stop([applier])
        #expect(storage.head.statistics.spans > 0)
    }

    @Test func anApplierWhoseLeaseLapsedStopsWithoutApplying() async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        try createStreams(jetStream)
        let publisher = ClusterPublisher(jetStream: jetStream, layout: layout)
        try await publisher.publish(Self.batch(traces: 10))
        await publisher.shutdown()
        let directory = ClusterTestSupport.scratch("fenced")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory + "/data", logger: ClusterTestSupport.quietLogger)
        defer { try? storage.close() }
        let applier = PartitionApplier(
            partition: 0, epoch: 1, layout: layout, jetStream: jetStream, storage: storage,
            applied: try AppliedBatches(directory: directory, partition: 0), logger: ClusterTestSupport.quietLogger
        ) { false }
        applier.start()
        #expect(await ClusterTestSupport.eventually { applier.progress.state == .fenced })
        await Self.stop([applier])
        #expect(storage.head.statistics.spans == 0 && applier.progress.appliedMessages == 0)
    }

    /// The lease lapses while a fetch is being appended (the check before the append passes, the one before the
    /// acknowledgement does not): what was appended is recorded as applied all the same, so the applier of the
    /// partition's next lease on this node starts after it, and the store holds every item once.
    @Test func anApplierFencedAfterItsAppendRecordsWhatItAppended() async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        try createStreams(jetStream)
        let publisher = ClusterPublisher(jetStream: jetStream, layout: layout)
        var receipts: [ClusterPublisher.Receipt] = []
        var published: [String] = []
        let partitioner = Partitioner(count: layout.partitions)
        for round in 1...5 {
            let batch = Self.batch(traces: 12, round: UInt64(round))
            receipts += try await publisher.publish(batch)
            published += batch.spans.filter { partitioner.partition(of: $0, tenant: batch.tenant) == 0 }
                .map { "\($0.traceID.high).\($0.traceID.low).\($0.spanID)" }
        }
        await publisher.shutdown()
        let last = try #require(receipts.filter { $0.partition == 0 }.map(\.sequence).max())
        #expect(!published.isEmpty)

        let directory = ClusterTestSupport.scratch("fenced-append")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory + "/data", logger: ClusterTestSupport.quietLogger)
        // Two checks pass: the loop's, and the one before the first append; the lease has lapsed after that.
        let lease = LapsingLease(validFor: 2)
        let record = try AppliedBatches(directory: directory + "/cluster", partition: 0)
        let fenced = PartitionApplier(
            partition: 0, epoch: 1, layout: layout, jetStream: jetStream, storage: storage, applied: record,
            logger: ClusterTestSupport.quietLogger
        ) { lease.check() }
        fenced.start()
        #expect(await ClusterTestSupport.eventually { fenced.progress.state == .fenced })
        await Self.stop([fenced])
        try record.close()
        #expect(fenced.progress.appliedMessages > 0, "the fetch was appended")

        // The partition's next lease on this node: it resumes after what the store holds.
        let next = PartitionApplier(
            partition: 0, epoch: 2, layout: layout, jetStream: jetStream, storage: storage,
            applied: try AppliedBatches(directory: directory + "/cluster", partition: 0),
            fetchWait: .milliseconds(100), logger: ClusterTestSupport.quietLogger) { true }
        next.start()
        #expect(await ClusterTestSupport.eventually { next.progress.appliedSequence >= last })
        await Self.stop([next])
        try storage.close()
        let raw = try ClusterTestSupport.rawItems(ofStore: directory + "/data")
        #expect(raw.spans.sorted() == published.sorted())
        #expect(raw.logs.count == Set(raw.logs).count && raw.samples.count == Set(raw.samples).count)
    }

    @Test func publishingPastTheRetryBudgetFailsWithRetryAfter() async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        // No stream holds the subjects: every attempt gets "no responders", so nothing is stored.
        let publisher = ClusterPublisher(
            jetStream: jetStream, layout: layout,
            policy: PublishRetryPolicy(budget: .milliseconds(400), firstBackoff: .milliseconds(20), retryAfterSeconds: 7))
        let started = ContinuousClock.now
        await #expect {
            try await publisher.publish(Self.batch(traces: 3))
        } throws: { error in
            (error as? ClusterPublishError)?.retryAfterSeconds == 7
        }
        // The budget is 400 ms: this bounds a hang, not the speed (a loaded CI machine took 9 s).
        #expect(ContinuousClock.now - started < .seconds(60))
        await publisher.shutdown()
    }

    @Test func aLargePartIsSplitIntoMessagesUnderTheSizeLimitWithDistinctIDs() async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        let publisher = ClusterPublisher(
            jetStream: jetStream, layout: StreamLayout(partitions: 1, streams: 1), maxMessageBytes: 4096)
        let messages = publisher.messages(of: Self.batch(traces: 200), id: BatchID(request: "r"))
        #expect(messages.count > 4)
        #expect(messages.allSatisfy { $0.payload.count <= 4096 })
        #expect(Set(messages.map(\.batchID)).count == messages.count)
        let decoded = try messages.map { try BatchRecord.decode($0.payload) }
        #expect(decoded.reduce(0) { $0 + $1.spans.count } == 200 && decoded.reduce(0) { $0 + $1.logs.count } == 200)
    }
}

/// A lease valid for its first `valid` checks only.
final class LapsingLease: Sendable {
    private let checks = Atomic<Int>(0)
    let valid: Int

    init(validFor valid: Int) { self.valid = valid }

    func check() -> Bool { checks.add(1, ordering: .sequentiallyConsistent).newValue <= valid }
}
