import Foundation
@testable import LumenCluster
import LumenEngine
import LumenModel
import Synchronization
import Testing

/// The owner's upkeep of a partition's shared flushes (compaction, retention, stale removal) on a real temporary
/// directory, with the fence (lease and flushed record) played by a closure: the path readers take stays whole
/// through every crash window and a stale owner's leftovers, and each span, log record and sample is read once.
struct SharedMaintenanceTests {
    let tenant = Tenant("shop")!
    let partition = 3

    /// A directory of its own and the shared store in it, removed at the end.
    final class Scratch {
        let directory = ClusterTestSupport.scratch("shared-maintenance")
        var store: SharedBlockStore { SharedBlockStore(directory: directory) }
        deinit { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// Round `round`'s data at `time`: two spans, two log records and two samples, all its own.
    func batch(round: Int, at time: Int64) -> Batch {
        let resource = Resource(attributes: [Attribute("service.name", .string("cart"))])
        var batch = Batch(tenant: tenant)
        for index in 0..<2 {
            let at = time + Int64(index)
            batch.spans.append(Span(
                traceID: TraceID(high: UInt64(round), low: UInt64(index + 1)), spanID: SpanID(UInt64(index + 1)),
                name: "GET /cart", kind: .server, startTime: at, endTime: at + 1_000, resource: resource))
            batch.logs.append(LogRecord(time: at, body: .string("round \(round) line \(index)"), resource: resource))
            batch.series.append(TimeSeries(
                labels: Labels(["__name__": "carts", "round": String(round)]), samples: [Sample(timestamp: at, value: 1)]))
        }
        return batch
    }

    @discardableResult
    func flush(
        _ store: SharedBlockStore, _ first: UInt64, _ last: UInt64, epoch: UInt64, _ batches: [Batch]
    ) throws -> SharedFlush {
        let head = Head()
        for batch in batches { _ = head.append(batch) }
        return try store.write(head, partition: partition, first: first, last: last, epoch: epoch)
    }

    /// Every span, log record and sample the path's blocks hold, block by block: nothing is de-duplicated across
    /// blocks, so an item on the path twice counts twice.
    func itemsOnThePath(_ store: SharedBlockStore) throws -> (spans: Int, logs: Int, samples: Int) {
        var counts = (spans: 0, logs: 0, samples: 0)
        for flush in try store.chain(of: partition) {
            for block in try BlockSet.open(store.path(of: flush, partition: partition)) {
                let reader = BlockListQuerier(blocks: { _ in [block] }, failed: { _ in })
                counts.spans += reader.spans(tenant, from: .min, to: .max, limit: .max) { _ in true }.count
                counts.logs += reader.logs(tenant, matching: [], from: .min, to: .max, limit: .max).count
                counts.samples += reader.series(
                    tenant, matching: [try LabelMatcher("__name__", .equal, "carts")], from: .min, to: .max
                ).reduce(0) { $0 + $1.samples.count }
            }
        }
        return counts
    }

    func maintenance(minFlushes: Int = 2, retention: Int64 = 3600 * 1_000_000_000) -> (SharedMaintenance, Scratch) {
        let scratch = Scratch()
        var options = StorageOptions()
        options.compactionMinBlocks = minFlushes
        options.retention = retention
        return (
            SharedMaintenance(
                store: scratch.store, options: options, metrics: ClusterMetrics(), logger: ClusterTestSupport.quietLogger),
            scratch
        )
    }

    let now = Int64(1_800_000_000) * 1_000_000_000

    // MARK: The path

    @Test func thePathTakesAMergedFlushOverItsSourcesAndStartsAtTheRetainedStart() {
        let id = BlockID.generate().description
        let sources = [
            SharedFlush(first: 1, last: 10, epoch: 5, id: id), SharedFlush(first: 11, last: 20, epoch: 5, id: id),
            SharedFlush(first: 21, last: 30, epoch: 5, id: id),
        ]
        let merged = SharedFlush(first: 1, last: 20, epoch: 5, id: id)
        #expect(SharedFlush.chain(sources + [merged]) == [merged, sources[2]])
        #expect(SharedFlush.chain(sources, from: 11) == Array(sources[1...]))
        // A stale flush starting below the retained start is never its start.
        #expect(SharedFlush.chain(sources + [SharedFlush(first: 5, last: 30, epoch: 9, id: id)], from: 11)
            == Array(sources[1...]))
    }

    @Test func aLeftoverMergedFlushThatLeadsToADeadEndIsNotTaken() {
        let id = BlockID.generate().description
        // A stale owner merged 1…20 (epoch 7) and was fenced, or crashed, before removing it again; the real owner
        // (epoch 9) meanwhile merged 11…40 and removed its sources. Nothing starts at 21: the path goes round.
        let flushes = [
            SharedFlush(first: 1, last: 10, epoch: 5, id: id), SharedFlush(first: 1, last: 20, epoch: 7, id: id),
            SharedFlush(first: 11, last: 40, epoch: 9, id: id),
        ]
        #expect(SharedFlush.chain(flushes) == [flushes[0], flushes[2]])
    }

    // MARK: Compaction

    @Test func compactionMergesTheCommittedRunAndKeepsWhatARetriedBatchLeftTwiceOnce() throws {
        let (maintenance, scratch) = maintenance(minFlushes: 3)
        let store = scratch.store
        let rounds = (1...4).map { batch(round: $0, at: now - Int64(5 - $0) * 60_000_000_000) }
        try flush(store, 1, 10, epoch: 5, [rounds[0]])
        // The owner changed while round 1's publisher retried: the new owner (epoch 9) applied it again.
        try flush(store, 11, 20, epoch: 9, [rounds[0], rounds[1]])
        try flush(store, 21, 30, epoch: 9, [rounds[2]])
        let uncommitted = try flush(store, 31, 40, epoch: 9, [rounds[3]])
        #expect(try itemsOnThePath(store) == (spans: 10, logs: 10, samples: 10))

        let outcome = try maintenance.maintain(partition: partition, epoch: 9, now: now) { 30 }
        let merged = try #require(outcome.merged)
        #expect((merged.first, merged.last, merged.epoch) == (1, 30, 9))
        #expect(outcome.sources.map(\.last) == [10, 20, 30])
        #expect(Set(try store.flushes(of: partition)) == [merged, uncommitted])
        #expect(try store.chain(of: partition) == [merged, uncommitted])
        #expect(try itemsOnThePath(store) == (spans: 8, logs: 8, samples: 8))
        #expect(try BlockSet.open(store.path(of: merged, partition: partition)).count == 1)  // one tenant, one block
    }

    @Test func compactionMergesFlushesOfOneLevelAtATime() throws {
        let (maintenance, scratch) = maintenance(minFlushes: 2)
        let store = scratch.store
        let at = now - 60_000_000_000
        try flush(store, 1, 10, epoch: 5, [batch(round: 1, at: at)])
        try flush(store, 11, 20, epoch: 5, [batch(round: 2, at: at)])
        let first = try #require(try maintenance.maintain(partition: partition, epoch: 5, now: now) { 20 }.merged)
        // New flushes beside the merged one: they are merged with each other, not into it again.
        try flush(store, 21, 30, epoch: 5, [batch(round: 3, at: at)])
        try flush(store, 31, 40, epoch: 5, [batch(round: 4, at: at)])
        let second = try #require(try maintenance.maintain(partition: partition, epoch: 5, now: now) { 40 }.merged)
        #expect((second.first, second.last) == (21, 40))
        // Two of the next level: merged into one.
        let third = try #require(try maintenance.maintain(partition: partition, epoch: 5, now: now) { 40 }.merged)
        #expect((third.first, third.last) == (1, 40))
        #expect(try store.flushes(of: partition) == [third] && first != third)
        #expect(try itemsOnThePath(store) == (spans: 8, logs: 8, samples: 8))
    }

    @Test func aCrashAfterTheMergedFlushIsRenamedLeavesReadsWholeAndTheNextStepRemovesTheSources() throws {
        let (maintenance, scratch) = maintenance()
        let store = scratch.store
        let sources = try (1...3).map { round in
            try flush(store, UInt64(round * 10 - 9), UInt64(round * 10), epoch: 5, [batch(round: round, at: now - 60_000_000_000)])
        }
        // Renamed into place, sources not removed yet (the crash), then one of them removed (a crash while removing).
        let opened = try sources.map { try OpenedFlush($0, in: store, partition: partition) }
        let merged = try SharedCompaction.write(opened, partition: partition, epoch: 5, into: store)
        #expect(try store.chain(of: partition) == [merged])
        #expect(try itemsOnThePath(store) == (spans: 6, logs: 6, samples: 6))
        try store.remove(sources[0], partition: partition)
        #expect(try store.chain(of: partition) == [merged])
        #expect(try itemsOnThePath(store) == (spans: 6, logs: 6, samples: 6))

        let outcome = try maintenance.maintain(partition: partition, epoch: 6, now: now) { 30 }
        #expect(Set(outcome.stale) == Set(sources[1...]))
        #expect(outcome.merged == nil)  // one flush left: nothing to merge
        #expect(try store.flushes(of: partition) == [merged])
    }

    @Test func aMergedFlushWrittenAfterANewerOwnerClaimedIsRemovedAndItsSourcesKept() throws {
        let (maintenance, scratch) = maintenance()
        let store = scratch.store
        let sources = try (1...2).map { round in
            try flush(store, UInt64(round * 10 - 9), UInt64(round * 10), epoch: 5, [batch(round: round, at: now - 60_000_000_000)])
        }
        // The fence holds when the step starts and fails once the merge is written (a newer owner claimed).
        let asked = Mutex(0)
        let outcome = try maintenance.maintain(partition: partition, epoch: 5, now: now) {
            asked.withLock { $0 += 1; return $0 == 1 ? 20 : nil }
        }
        #expect(outcome == SharedMaintenance.Outcome())
        #expect(Set(try store.flushes(of: partition)) == Set(sources))
        #expect(try itemsOnThePath(store) == (spans: 4, logs: 4, samples: 4))
        // Fenced from the start: nothing is touched at all.
        #expect(try maintenance.maintain(partition: partition, epoch: 5, now: now) { nil } == SharedMaintenance.Outcome())
    }

    @Test func aStaleOwnersLeftoverMergeBesideTheRealOwnersNeverMakesThePathSkipData() throws {
        let (maintenance, scratch) = maintenance(minFlushes: 5)
        let store = scratch.store
        let sources = try (1...4).map { round in
            try flush(store, UInt64(round * 10 - 9), UInt64(round * 10), epoch: 5, [batch(round: round, at: now - 60_000_000_000)])
        }
        let opened = try sources.map { try OpenedFlush($0, in: store, partition: partition) }
        // The stale owner (epoch 7) merges 1…20 and is paused before its fence check; the real owner (epoch 9)
        // merges 11…40 and removes its sources; the stale one dies before removing its merge.
        let stale = try SharedCompaction.write(Array(opened[0...1]), partition: partition, epoch: 7, into: store)
        let real = try SharedCompaction.write(Array(opened[1...3]), partition: partition, epoch: 9, into: store)
        for source in sources[1...3] { try store.remove(source, partition: partition) }
        #expect(try store.chain(of: partition) == [sources[0], real])
        #expect(try itemsOnThePath(store) == (spans: 8, logs: 8, samples: 8))

        // The real owner's next step removes the leftover, which is off the path and committed.
        let outcome = try maintenance.maintain(partition: partition, epoch: 9, now: now) { 40 }
        #expect(outcome.stale == [stale])
        #expect(Set(try store.flushes(of: partition)) == [sources[0], real])
        #expect(try itemsOnThePath(store) == (spans: 8, logs: 8, samples: 8))
    }

    @Test func aStaleOwnersLateFlushOffThePathIsRemovedOnlyOnceCommittedDataCoversIt() throws {
        let (maintenance, scratch) = maintenance(minFlushes: 10)
        let store = scratch.store
        try flush(store, 1, 10, epoch: 9, [batch(round: 1, at: now)])
        try flush(store, 11, 20, epoch: 9, [batch(round: 2, at: now)])
        // A stale owner's late write from the same start, and one past the flushed sequence (not yet judged).
        let late = try flush(store, 1, 15, epoch: 5, [batch(round: 1, at: now)])
        let pending = try flush(store, 21, 25, epoch: 5, [batch(round: 3, at: now)])
        let outcome = try maintenance.maintain(partition: partition, epoch: 9, now: now) { 20 }
        #expect(outcome.stale == [late])
        #expect(try store.flushes(of: partition).contains(pending))
    }

    // MARK: Retention

    @Test func retentionDeletesTheOldestFlushesAndRecordsWhereThePathStarts() throws {
        let hour: Int64 = 3600 * 1_000_000_000
        let (maintenance, scratch) = maintenance(minFlushes: 10, retention: hour)
        let store = scratch.store
        try flush(store, 1, 10, epoch: 5, [batch(round: 1, at: now - 3 * hour)])
        try flush(store, 11, 20, epoch: 5, [batch(round: 2, at: now - 2 * hour)])
        let kept = try flush(store, 21, 30, epoch: 9, [batch(round: 3, at: now - hour / 2)])
        // A stale owner's flush starting inside the deleted range, ending past the new start.
        let stale = try flush(store, 15, 24, epoch: 7, [batch(round: 2, at: now - 2 * hour)])

        let outcome = try maintenance.maintain(partition: partition, epoch: 9, now: now) { 30 }
        #expect(outcome.expired.map(\.last) == [10, 20])
        #expect(outcome.stale == [stale])
        #expect(try store.retainedStart(of: partition) == 21)
        #expect(try store.flushes(of: partition) == [kept])
        #expect(try store.chain(of: partition) == [kept])
        #expect(try itemsOnThePath(store) == (spans: 2, logs: 2, samples: 2))

        // The next flushes continue the path; everything expired leaves the start after the flushed sequence.
        let next = try flush(store, 31, 40, epoch: 9, [batch(round: 4, at: now)])
        #expect(try store.chain(of: partition) == [kept, next])
        try maintenance.maintain(partition: partition, epoch: 9, now: now + 10 * hour) { 40 }
        #expect(try store.retainedStart(of: partition) == 41)
        #expect(try store.chain(of: partition).isEmpty && store.flushes(of: partition).isEmpty)
    }

    @Test func aCrashAfterTheRetainedStartIsRecordedLeavesReadsWholeAndAStaleLowerStartIsIgnored() throws {
        let (maintenance, scratch) = maintenance(minFlushes: 10)
        let store = scratch.store
        let old = try flush(store, 1, 10, epoch: 5, [batch(round: 1, at: now)])
        let kept = try flush(store, 11, 20, epoch: 5, [batch(round: 2, at: now)])
        try store.markRetained(from: 11, partition: partition)  // then the crash: 1…10 not deleted yet
        #expect(try store.chain(of: partition) == [kept])
        #expect(try itemsOnThePath(store) == (spans: 2, logs: 2, samples: 2))
        // A stale owner records a lower start late: starts only rise.
        try store.markRetained(from: 1, partition: partition)
        #expect(try store.retainedStart(of: partition) == 11)

        let outcome = try maintenance.maintain(partition: partition, epoch: 5, now: now) { 20 }
        #expect(outcome.stale == [old])
        #expect(try store.flushes(of: partition) == [kept])
    }
}

/// An owner's maintenance on a real nats-server: its partition's flushes are compacted into one, then expired by
/// retention, while a query node's shared reader reads every span, log record and sample exactly once.
@Suite(.enabled(if: NATSServerProcess.isInstalled, NATSServerProcess.skipReason), .timeLimit(.minutes(1)))
struct SharedMaintenanceOwnerTests {
    let layout = StreamLayout(partitions: 1, streams: 1)
    let data = SharedMaintenanceTests()

    func counts(_ reader: TelemetryReader) throws -> (spans: Int, logs: Int, samples: Int) {
        (
            reader.spans(data.tenant, from: .min, to: .max, limit: .max) { _ in true }.count,
            reader.logs(data.tenant, matching: [], from: .min, to: .max, limit: .max).count,
            reader.series(data.tenant, matching: [try LabelMatcher("__name__", .equal, "carts")], from: .min, to: .max)
                .reduce(0) { $0 + $1.samples.count }
        )
    }

    @Test func anOwnersFlushesAreCompactedThenExpiredWhileEachItemIsReadOnce() async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        try jetStream.createOrReuseStream(StreamConfiguration(
            name: layout.streamNames[0], subjects: layout.subjects(ofStream: 0), replicas: 1, maxAge: .seconds(3600),
            maxBytes: 64 << 20))
        let sequences = FlushedSequences(bucket: try KeyValueBucket(
            jetStream: jetStream, name: FlushedSequences.bucketName, ttl: nil, replicas: 1))
        let directory = ClusterTestSupport.scratch("shared-maintenance-owner")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let shared = SharedBlockStore(directory: directory + "/shared")
        let publisher = ClusterPublisher(jetStream: jetStream, layout: layout)
        defer { Task { await publisher.shutdown() } }
        let logger = ClusterTestSupport.quietLogger
        let storage = try Storage(directory: directory + "/node/store", logger: logger)
        defer { try? storage.close() }
        var options = StorageOptions()
        options.compactionMinBlocks = 3
        let retention = options.retention
        var flushing = PartitionFlushing(
            blocks: shared, sequences: sequences, dataDirectory: directory + "/node", options: options,
            flushInterval: .milliseconds(500), linger: .zero)
        flushing.maintenanceInterval = .seconds(3600)  // the test runs the steps itself, at times of its choosing
        let ownership = PartitionOwnership(
            node: "node-a", layout: layout, jetStream: jetStream,
            leases: try KeyValueBucket(jetStream: jetStream, name: "lumen-leases", ttl: .seconds(2), replicas: 1),
            nodes: try KeyValueBucket(jetStream: jetStream, name: "lumen-nodes", ttl: .seconds(2), replicas: 1),
            leaseTTL: .seconds(2), storage: storage, appliedDirectory: directory + "/node/cluster", flushing: flushing,
            logger: logger)
        ownership.start()
        func flushedThrough(_ receipts: [ClusterPublisher.Receipt]) async throws -> Bool {
            let last = receipts.map(\.sequence).max() ?? 0
            return try await ClusterTestSupport.eventually(within: .seconds(20)) {
                (try sequences.record(ofPartition: 0)?.sequence ?? 0) >= last
            }
        }
        func read() throws -> (spans: Int, logs: Int, samples: Int) {
            try counts(SharedBlockReader(store: shared, partitions: 1, logger: logger).querier)
        }

        // Three rounds, each flushed on its own: three flushes on the path.
        for round in 1...3 {
            let receipts = try await publisher.publish(data.batch(round: round, at: Timestamp.now()))
            #expect(try await flushedThrough(receipts))
        }
        #expect(try shared.chain(of: 0).count == 3)
        #expect(try read() == (spans: 6, logs: 6, samples: 6))

        // Compacted into one flush from sequence 1, the sources gone; read once.
        ownership.maintainSharedFlushes()
        let merged = try shared.chain(of: 0)
        #expect(merged.count == 1 && merged.first?.first == 1)
        #expect(try shared.flushes(of: 0) == merged)
        #expect(try read() == (spans: 6, logs: 6, samples: 6))

        // A fourth round, then a step at a time when only the merged flush's data is past retention.
        let newest = try BlockSet.open(shared.path(of: merged[0], partition: 0)).map(\.meta.maxTime).max()!
        let receipts = try await publisher.publish(data.batch(round: 4, at: Timestamp.now()))
        #expect(try await flushedThrough(receipts))
        ownership.maintainSharedFlushes(now: newest + 1 + retention)
        let kept = try shared.chain(of: 0)
        #expect(kept.count == 1 && kept.first?.first == merged[0].last + 1)
        #expect(try shared.retainedStart(of: 0) == merged[0].last + 1)
        #expect(try shared.flushes(of: 0) == kept)
        #expect(try read() == (spans: 2, logs: 2, samples: 2))
        // Off Swift's cooperative pool: the stop waits for the appliers' last flushes, which need that pool.
        await ClusterTestSupport.offPool { ownership.stop() }
    }
}
