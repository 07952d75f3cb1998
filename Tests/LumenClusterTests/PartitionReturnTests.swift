import Foundation
import LumenEngine
import LumenModel
import Synchronization
import Testing

@testable import LumenCluster

/// A partition that moves away from its owner and back (A → B → A) while a client writes, on a real nats-server:
/// the owner's store holds every acknowledged item once — what it applied before the move, what B applied
/// meanwhile, and what came after — counted raw, not through a query (queries drop copies). Without a block store
/// that is A's write-ahead log (A applies B's share from the stream); with one, the committed shared flushes and
/// A's partition stores (A resumes after what B flushed).
@Suite(.enabled(if: NATSServerProcess.isInstalled, NATSServerProcess.skipReason), .timeLimit(.minutes(2)))
struct PartitionReturnTests {
    let layout = StreamLayout(partitions: 6, streams: 2)

    /// A client publishing one round after another until stopped, keeping what was acknowledged.
    final class Writer: Sendable {
        private let stopping = Atomic<Bool>(false)
        private let state = Mutex<(rounds: Int, items: Int, last: [Int: UInt64])>((0, 0, [:]))
        static let tracesPerRound = 8

        func run(_ publisher: ClusterPublisher) async throws {
            var round: UInt64 = 0
            while !stopping.load(ordering: .sequentiallyConsistent) {
                round += 1
                let batch = ClusterApplyTests.batch(traces: Self.tracesPerRound, round: round)
                let receipts = try await publisher.publish(batch)
                state.withLock { state in
                    state.rounds += 1
                    state.items += Self.tracesPerRound
                    for receipt in receipts {
                        state.last[receipt.partition] = max(state.last[receipt.partition] ?? 0, receipt.sequence)
                    }
                }
                try await Task.sleep(for: .milliseconds(10))
            }
        }

        func stop() { stopping.store(true, ordering: .sequentiallyConsistent) }

        var rounds: Int { state.withLock { $0.rounds } }
        /// Spans (as `ClusterTestSupport.RawItems` names them) acknowledged so far; as many log records and samples.
        var spans: [String] {
            (0..<rounds).flatMap { round in
                (1...Self.tracesPerRound).map { "\(round + 1).\($0).\(SpanID(UInt64($0)))" }
            }
        }
        /// Each partition's highest acknowledged sequence.
        var lastSequences: [Int: UInt64] { state.withLock { $0.last } }
        var items: Int { state.withLock { $0.items } }
    }

    static func applied(_ node: ClusterTestNode, through sequences: [Int: UInt64], of partitions: Set<Int>) -> Bool {
        let held = node.ownership.heldPartitions
        return partitions.allSatisfy { (held[$0]?.progress.appliedSequence ?? 0) >= (sequences[$0] ?? 0) }
    }

    static func holds(_ node: ClusterTestNode, _ partitions: Set<Int>) -> Bool {
        Set(node.ownership.heldPartitions.keys) == partitions
    }

    /// Polls for up to 30 s: a lease moves within a few ticks of 333 ms.
    static func settles(_ condition: () throws -> Bool) async rethrows -> Bool {
        try await ClusterTestSupport.eventually(within: .seconds(30), condition)
    }

    /// What `node` holds, raw: its store's log and, with a shared block store, its partition stores' logs and every
    /// block of the committed shared flushes, each read on its own.
    static func rawItems(of node: ClusterTestNode, sharedStore: String?, layout: StreamLayout) throws
        -> ClusterTestSupport.RawItems
    {
        var items = try ClusterTestSupport.rawItems(ofStore: node.dataDirectory + "/store")
        guard let sharedStore else { return items }
        let store = SharedBlockStore(directory: sharedStore)
        let tenant = Tenant("shop")!
        let series = [try LabelMatcher("__name__", .equal, "carts_total")]
        for partition in 0..<layout.partitions {
            let name = (store.partitionDirectory(partition) as NSString).lastPathComponent
            let own = node.dataDirectory + "/cluster/" + name + "/store"
            if FileManager.default.fileExists(atPath: own) {
                items = items + (try ClusterTestSupport.rawItems(ofStore: own))
            }
            for flush in SharedFlush.chain(try store.flushes(of: partition)) {
                for block in try BlockSet.open(store.path(of: flush, partition: partition)) {
                    let reader = BlockListQuerier(blocks: { _ in [block] }, failed: { _ in })
                    items.add(
                        spans: reader.spans(tenant, from: .min, to: .max, limit: .max) { _ in true },
                        logs: reader.logs(tenant, matching: [], from: .min, to: .max, limit: .max),
                        series: reader.series(tenant, matching: series, from: .min, to: .max))
                }
            }
        }
        return items
    }

    @Test(arguments: [false, true])
    func aPartitionMovedAwayAndBackWhileWrittenIsInItsOwnersStoreOnce(withBlockStore: Bool) async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        for (index, name) in layout.streamNames.enumerated() {
            try jetStream.createOrReuseStream(StreamConfiguration(
                name: name, subjects: layout.subjects(ofStream: index), replicas: 1, maxAge: .seconds(3600),
                maxBytes: 64 << 20))
        }
        let publisher = ClusterPublisher(jetStream: jetStream, layout: layout)
        let directory = ClusterTestSupport.scratch("partition-return")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let all = Set(0..<layout.partitions)
        // With a block store, each owner flushes every second, so B's share is flushed when A takes it back.
        let sharedStore = withBlockStore ? directory + "/shared" : nil
        let layout = self.layout
        func node(_ name: String) throws -> ClusterTestNode {
            try ClusterTestNode(
                name, server: server.url, layout: layout, dataDirectory: directory + "/" + name,
                blockStore: sharedStore, flushInterval: .seconds(1))
        }

        let a = try node("node-a")
        #expect(await Self.settles { Self.holds(a, all) })
        let before = a.ownership.heldPartitions.mapValues { $0.epoch }
        let writer = Writer()
        let writing = Task { try await writer.run(publisher) }
        #expect(await Self.settles { writer.rounds >= 10 })

        // B joins: the partitions it wins by rendezvous move to it, and it applies what is sent meanwhile.
        let moved = all.filter { Rendezvous.owner(of: $0, among: ["node-a", "node-b"]) == "node-b" }
        #expect(!moved.isEmpty && moved != all)
        let b = try node("node-b")
        #expect(await Self.settles { Self.holds(b, moved) && Self.holds(a, all.subtracting(moved)) })
        let joined = writer.rounds
        #expect(await Self.settles { writer.rounds >= joined + 10 })
        let sentToB = writer.lastSequences
        #expect(await Self.settles { Self.applied(b, through: sentToB, of: moved) })

        // B leaves: A takes those partitions back under new epochs, while the writes go on.
        await b.stop()
        #expect(await Self.settles { Self.holds(a, all) })
        let returned = a.ownership.heldPartitions.mapValues { $0.epoch }
        #expect(moved.allSatisfy { (returned[$0] ?? 0) > (before[$0] ?? .max) })
        let back = writer.rounds
        #expect(await Self.settles { writer.rounds >= back + 10 })
        writer.stop()
        try await writing.value
        await publisher.shutdown()
        let sent = writer.lastSequences
        #expect(await Self.settles { Self.applied(a, through: sent, of: all) })
        await a.stop()

        // A's store, raw: every acknowledged span, log record and sample once.
        let raw = try Self.rawItems(of: a, sharedStore: sharedStore, layout: layout)
        #expect(raw.spans.count == writer.items && raw.spans.sorted() == writer.spans.sorted())
        #expect(raw.logs.count == writer.items && Set(raw.logs).count == writer.items)
        #expect(raw.samples.count == writer.items && Set(raw.samples).count == writer.items)
    }
}
