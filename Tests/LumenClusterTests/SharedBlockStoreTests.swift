import Foundation
@testable import LumenCluster
import LumenEngine
import LumenModel
import Testing

/// Blocks in shared storage (docs/cluster.md) on a real nats-server: owners flush each partition's head to the
/// shared directory and advance its flushed sequence in KV; a new owner with an empty disk resumes after it; an
/// owner that comes back discards what another owner flushed since; every span is in the shared blocks once.
@Suite(.enabled(if: NATSServerProcess.isInstalled, NATSServerProcess.skipReason), .timeLimit(.minutes(2)))
struct SharedBlockStoreTests {
    let layout = StreamLayout(partitions: 6, streams: 2)
    let tenant = Tenant("shop")!

    func createStreams(_ jetStream: JetStream) throws {
        for (index, name) in layout.streamNames.enumerated() {
            try jetStream.createOrReuseStream(StreamConfiguration(
                name: name, subjects: layout.subjects(ofStream: index), replicas: 1, maxAge: .seconds(3600),
                maxBytes: 64 << 20))
        }
    }

    /// Spans of traces `traces` (high bits `round`), with a log record each.
    func batch(round: UInt64, traces: Int) -> Batch {
        let now = Int64(Date().timeIntervalSince1970) * 1_000_000_000
        let resource = Resource(attributes: [Attribute("service.name", .string("cart"))])
        var batch = Batch(tenant: tenant)
        for index in 0..<traces {
            let trace = TraceID(high: round, low: UInt64(index + 1))
            batch.spans.append(Span(
                traceID: trace, spanID: SpanID(UInt64(index + 1)), name: "GET /cart", kind: .server,
                startTime: now + Int64(index), endTime: now + Int64(index) + 1_000, resource: resource))
        }
        return batch
    }

    /// The partitions' last sequences that hold messages: what the flushed sequences must reach.
    func lastSequences(_ receipts: [ClusterPublisher.Receipt]) -> [Int: UInt64] {
        Dictionary(receipts.map { ($0.partition, $0.sequence) }, uniquingKeysWith: max)
    }

    func flushedThrough(_ wanted: [Int: UInt64], _ sequences: FlushedSequences) throws -> Bool {
        try wanted.allSatisfy { partition, sequence in
            (try sequences.record(ofPartition: partition)?.sequence ?? 0) >= sequence
        }
    }

    /// Every span the committed flushes hold, block by block (no de-duplication across blocks).
    func spansInSharedBlocks(_ store: SharedBlockStore) throws -> [Span] {
        var spans: [Span] = []
        for partition in 0..<layout.partitions {
            for flush in SharedFlush.chain(try store.flushes(of: partition)) {
                for block in try BlockSet.open(store.path(of: flush, partition: partition)) {
                    spans += BlockListQuerier(blocks: { _ in [block] }, failed: { _ in })
                        .spans(tenant, from: .min, to: .max, limit: .max) { _ in true }
                }
            }
        }
        return spans
    }

    func key(_ span: Span) -> String { "\(span.traceID.high).\(span.traceID.low).\(span.spanID)" }

    /// A nats-server with the streams and the flushed sequences' bucket, a scratch directory holding the shared
    /// store, and a publisher: what each test here starts from.
    struct Fixture {
        let server: NATSServerProcess
        let jetStream: JetStream
        let sequences: FlushedSequences
        let directory: String
        let shared: SharedBlockStore
        let publisher: ClusterPublisher

        func close() {
            let publisher = self.publisher
            Task { await publisher.shutdown() }
            try? FileManager.default.removeItem(atPath: directory)
            jetStream.close()
        }
    }

    func fixture(_ name: String) throws -> Fixture {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        try createStreams(jetStream)
        let directory = ClusterTestSupport.scratch(name)
        return Fixture(
            server: server, jetStream: jetStream,
            sequences: FlushedSequences(bucket: try KeyValueBucket(
                jetStream: jetStream, name: FlushedSequences.bucketName, ttl: nil, replicas: 1)),
            directory: directory, shared: SharedBlockStore(directory: directory + "/shared"),
            publisher: ClusterPublisher(jetStream: jetStream, layout: layout))
    }

    @Test func flushesLandInTheSharedStoreAndANewOwnerResumesAfterTheFlushedSequence() async throws {
        let fixture = try fixture("shared-blocks")
        defer { fixture.close() }
        let (server, sequences, directory, shared, publisher) = (
            fixture.server, fixture.sequences, fixture.directory, fixture.shared, fixture.publisher
        )

        // Node A flushes every second: round 1's partitions land in the shared store, their sequences in KV.
        let first = try await publisher.publish(batch(round: 1, traces: 30))
        var a = try ClusterTestNode(
            "node-a", server: server.url, layout: layout, dataDirectory: directory + "/a", blockStore: shared.directory,
            flushInterval: .seconds(1))
        #expect(try await ClusterTestSupport.eventually(within: .seconds(30)) {
            try flushedThrough(lastSequences(first), sequences)
        })
        #expect(try spansInSharedBlocks(shared).count == 30)
        for partition in Set(first.map(\.partition)) {
            let flushes = try shared.flushes(of: partition)
            #expect(!flushes.isEmpty && flushes.allSatisfy { $0.first >= 1 && $0.epoch > 0 })
            #expect(try sequences.record(ofPartition: partition)?.epoch == a.ownership.heldPartitions[partition]?.epoch)
        }
        await a.stop()

        // A again on its disk, flushing only after an hour: round 2 is applied to its partition stores, not flushed.
        let second = try await publisher.publish(batch(round: 2, traces: 30))
        a = try ClusterTestNode(
            "node-a", server: server.url, layout: layout, dataDirectory: directory + "/a", blockStore: shared.directory,
            flushInterval: .seconds(3600))
        #expect(await ClusterTestSupport.eventually(within: .seconds(30)) { a.hasApplied(second) })
        #expect(try spansInSharedBlocks(shared).count == 30)
        await a.stop(flushing: false)

        // A's disk is lost; B starts on an empty one: it resumes after the flushed sequences (applies round 2 only)
        // and flushes; every span is in the shared blocks once.
        let b = try ClusterTestNode(
            "node-b", server: server.url, layout: layout, dataDirectory: directory + "/b", blockStore: shared.directory,
            flushInterval: .seconds(1))
        #expect(try await ClusterTestSupport.eventually(within: .seconds(30)) {
            try flushedThrough(lastSequences(first + second), sequences)
        })
        #expect(b.applied == second.count)
        let afterTakeover = try spansInSharedBlocks(shared)
        #expect(afterTakeover.count == 60 && Set(afterTakeover.map(key)).count == 60)

        // A comes back on the disk it had (round 2 applied, never flushed by it) beside B: for the partitions it
        // wins back it discards that (B flushed it) and resumes after the flushed sequences. Round 3 is applied
        // once, and the shared blocks hold every span once.
        let returning = try ClusterTestNode(
            "node-a", server: server.url, layout: layout, dataDirectory: directory + "/a", blockStore: shared.directory,
            flushInterval: .seconds(1))
        #expect(await ClusterTestSupport.eventually(within: .seconds(30)) {
            !returning.ownership.heldPartitions.isEmpty && !b.ownership.heldPartitions.isEmpty
                && returning.ownership.heldPartitions.count + b.ownership.heldPartitions.count == layout.partitions
        })
        let third = try await publisher.publish(batch(round: 3, traces: 30))
        #expect(try await ClusterTestSupport.eventually(within: .seconds(30)) {
            try flushedThrough(lastSequences(first + second + third), sequences)
        })
        let kept = CombinedQuerier(returning.ownership.heldStores)
            .spans(tenant, from: .min, to: .max, limit: .max) { _ in true }
        #expect(!kept.contains { $0.traceID.high == 2 })
        let all = try spansInSharedBlocks(shared)
        #expect(all.count == 90 && Set(all.map(key)).count == 90)

        // A query node reads the shared blocks and the owners' heads together: each span once.
        let reader = SharedBlockReader(store: shared, partitions: layout.partitions, logger: ClusterTestSupport.quietLogger)
        let read = CombinedQuerier([reader.querier] + returning.ownership.heldStores + b.ownership.heldStores)
            .spans(tenant, from: .min, to: .max, limit: .max) { _ in true }
        #expect(read.count == 90)
        await returning.stop()
        await b.stop()
    }

    /// Flushes that are not due (an hour away): one asked for (`flushHeld`, the admin flush) and a graceful stop's
    /// flush each flush every held partition through what it applied, on the appliers' threads.
    @Test func anAskedFlushAndAGracefulStopFlushEveryHeldPartition() async throws {
        let fixture = try fixture("asked-flush")
        defer { fixture.close() }
        let (server, sequences, directory, shared, publisher) = (
            fixture.server, fixture.sequences, fixture.directory, fixture.shared, fixture.publisher
        )
        let node = try ClusterTestNode(
            "node-a", server: server.url, layout: layout, dataDirectory: directory + "/a", blockStore: shared.directory,
            flushInterval: .seconds(3600))

        let first = try await publisher.publish(batch(round: 1, traces: 30))
        #expect(await ClusterTestSupport.eventually(within: .seconds(30)) { node.hasApplied(first) })
        #expect(try spansInSharedBlocks(shared).isEmpty)
        try await ClusterTestSupport.offPool { try node.ownership.flushHeld(timeout: .seconds(20)) }
        #expect(try flushedThrough(lastSequences(first), sequences))
        #expect(try spansInSharedBlocks(shared).count == 30)

        let second = try await publisher.publish(batch(round: 2, traces: 30))
        #expect(await ClusterTestSupport.eventually(within: .seconds(30)) { node.hasApplied(first + second) })
        await node.stop()
        #expect(try flushedThrough(lastSequences(first + second), sequences))
        #expect(try spansInSharedBlocks(shared).count == 60)
    }
}

/// The shared store's naming and the committed path through it, without a server.
struct SharedFlushTests {
    @Test func aFlushNameCarriesItsRangeAndEpochAndParsesBack() {
        let flush = SharedFlush(first: 101, last: 250, epoch: 12, id: BlockID.generate().description)
        #expect(SharedFlush(name: flush.name) == flush)
        #expect(flush.name.hasPrefix("101-250-e12-"))
        for bad in ["101-250-e12", flush.name + ".tmp", "0-5-e1-" + flush.id, "9-5-e1-" + flush.id, "1-5-x1-" + flush.id] {
            #expect(SharedFlush(name: bad) == nil, "\(bad)")
        }
    }

    @Test func theChainTakesTheHighestEpochAtEachStartAndStopsAtAGap() {
        let id = BlockID.generate().description
        let flushes = [
            SharedFlush(first: 1, last: 100, epoch: 5, id: id),
            SharedFlush(first: 101, last: 200, epoch: 5, id: id),  // the stale owner's, never committed
            SharedFlush(first: 101, last: 180, epoch: 9, id: id),
            SharedFlush(first: 181, last: 300, epoch: 9, id: id),
            SharedFlush(first: 201, last: 260, epoch: 5, id: id),  // off the path
            SharedFlush(first: 400, last: 500, epoch: 9, id: id),  // after a gap: not reachable
        ]
        #expect(SharedFlush.chain(flushes).map(\.name) == [flushes[0], flushes[2], flushes[3]].map(\.name))
        #expect(SharedFlush.chain([]).isEmpty)
    }
}

/// The flushed sequence's fencing on a real nats-server.
@Suite(.enabled(if: NATSServerProcess.isInstalled, NATSServerProcess.skipReason), .timeLimit(.minutes(1)))
struct FlushedSequencesTests {
    @Test func anOlderOwnerCannotAdvanceTheFlushedSequenceOnceANewerOneClaimedIt() throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        let sequences = FlushedSequences(bucket: try KeyValueBucket(
            jetStream: jetStream, name: FlushedSequences.bucketName, ttl: nil, replicas: 1))
        let old = try #require(try sequences.claim(partition: 3, epoch: 5))
        #expect(old.sequence == 0)
        let advanced = try #require(try sequences.advance(partition: 3, to: 40, epoch: 5, expectedRevision: old.revision))
        let new = try #require(try sequences.claim(partition: 3, epoch: 9))
        #expect(new.sequence == 40)
        #expect(try sequences.advance(partition: 3, to: 90, epoch: 5, expectedRevision: advanced) == nil)
        #expect(try sequences.claim(partition: 3, epoch: 5) == nil)  // an older epoch cannot claim it back
        #expect(try sequences.advance(partition: 3, to: 70, epoch: 9, expectedRevision: new.revision) != nil)
        #expect(try sequences.record(ofPartition: 3) == FlushedSequences.Record(sequence: 70, epoch: 9))
    }
}

/// A stale owner's flush on a real nats-server: once a newer epoch claimed the partition's flushed sequence, the
/// older owner's flush is refused (fenced) and leaves nothing in the shared store; the newer one's commits.
@Suite(.enabled(if: NATSServerProcess.isInstalled, NATSServerProcess.skipReason), .timeLimit(.minutes(1)))
struct PartitionStoreFencingTests {
    /// Runs a blocking flush off Swift's cooperative pool (it waits for the store's async hand-off).
    func flush(_ store: PartitionStore, through sequence: UInt64) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread { continuation.resume(with: Result { try store.flush(appliedThrough: sequence) { true } }) }.start()
        }
    }

    @Test func aStaleOwnersFlushIsFencedAndLeavesNothingInTheSharedStore() async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        let sequences = FlushedSequences(bucket: try KeyValueBucket(
            jetStream: jetStream, name: FlushedSequences.bucketName, ttl: nil, replicas: 1))
        let directory = ClusterTestSupport.scratch("fencing")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let shared = SharedBlockStore(directory: directory + "/shared")
        func flushing(_ node: String) -> PartitionFlushing {
            PartitionFlushing(
                blocks: shared, sequences: sequences, dataDirectory: directory + "/" + node, options: StorageOptions(),
                flushInterval: .seconds(3600), linger: .zero)
        }
        let logger = ClusterTestSupport.quietLogger
        let batch = SharedBlockStoreTests().batch(round: 1, traces: 5)
        let old = try #require(try flushing("a").open(partition: 2, epoch: 5, logger: logger))
        defer { old.close() }
        try await old.storage.append(batch)
        // The lease moved: a newer owner claims the flushed sequence before the old one flushes.
        let newer = try #require(try flushing("b").open(partition: 2, epoch: 9, logger: logger))
        defer { newer.close() }
        #expect(newer.startAfter == 0)
        await #expect(throws: PartitionApplier.ApplyStop.self) { try await flush(old, through: 10) }
        #expect(try shared.flushes(of: 2).isEmpty)
        #expect(try sequences.record(ofPartition: 2) == FlushedSequences.Record(sequence: 0, epoch: 9))

        try await newer.storage.append(batch)
        try await flush(newer, through: 10)
        #expect(try shared.flushes(of: 2).map(\.epoch) == [9])
        #expect(try shared.flushes(of: 2).map(\.first) == [1] && shared.flushes(of: 2).map(\.last) == [10])
        #expect(try sequences.record(ofPartition: 2) == FlushedSequences.Record(sequence: 10, epoch: 9))
        #expect(try flushing("a").open(partition: 2, epoch: 5, logger: logger) == nil)  // cannot claim it back
    }
}
