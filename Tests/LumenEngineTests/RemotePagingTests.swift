import Foundation
import LumenModel
import Synchronization
import Testing

@testable import LumenEngine

/// A query node reads other nodes' log records in pages: each node sends about what the read wants (its limit, in
/// its direction), the next page only if the merge gets there, starting strictly after the last time it sent; the
/// answer is the single node's, newest or oldest first, filtered or not. And what a node's read left out (a
/// damaged page) comes back with its reply: the query node's answer warns of it as the node's own would, once.
///
/// The other nodes are answered in-process by their stores' `reply`, through its binary encoding, as the internal
/// read endpoint answers them (the HTTP round trip is `test_cluster_reads.py`'s).
struct RemotePagingTests {
    typealias F = StorageFixtures

    /// Another node: its store's reply to each read, encoded and decoded; counts the items it sent.
    final class InProcessNode: RemoteNode {
        let name: String
        let store: any Querier
        private let counted = Atomic<Int>(0)

        init(_ name: String, _ store: any Querier) {
            self.name = name
            self.store = store
        }

        var sent: Int { counted.load(ordering: .relaxed) }

        func start(_ read: RemoteRead, _ request: ReadRequest, scope: ReadScope)
            -> (@Sendable () throws -> RemoteReply)?
        {
            let bytes = store.reply(read, request).encoded
            return { [self] in
                let reply = try RemoteReply(encoded: bytes)
                counted.add(reply.answer.items, ordering: .relaxed)
                return reply
            }
        }
    }

    struct Peers: ReadPeers {
        let nodes: [InProcessNode]
        func nodes(for request: ReadRequest, scope: ReadScope) throws -> [any RemoteNode] { nodes }
    }

    /// `count` records of `service`, one every `every` ns from `F.base + offset`, lines numbered.
    static func records(_ service: String, count: Int, offset: Int64, every: Int64 = 3 * F.second) -> [LogRecord] {
        (0..<count).map { index in
            LogRecord(
                time: F.base + offset + Int64(index) * every, severity: Severity(.info),
                body: .string("\(service) request \(index)\(index % 10 == 0 ? " slow" : "")"), resource: F.resource(service))
        }
    }

    static func head(_ records: [LogRecord]) -> Head {
        var batch = Batch(tenant: .anonymous)
        batch.logs = records
        return head(batch)
    }

    static func head(_ batch: Batch) -> Head {
        let head = Head()
        head.append(batch)
        return head
    }

    /// Two nodes of 3,000 records each (interleaved in time) and the query node's own 30, every time distinct;
    /// the same data in one head.
    static func cluster() -> (query: FanOutQuerier, nodes: [InProcessNode], single: Head) {
        let alpha = records("alpha", count: 3000, offset: 0)
        let bravo = records("bravo", count: 3000, offset: F.second)
        let charlie = records("charlie", count: 30, offset: 2 * F.second, every: 99 * F.second)
        let nodes = [InProcessNode("a", head(alpha)), InProcessNode("b", head(bravo))]
        let query = FanOutQuerier(local: head(charlie), peers: Peers(nodes: nodes), logger: F.quietLogger)
        return (query, nodes, head(alpha + bravo + charlie))
    }

    @Test(arguments: [false, true])
    func aLimitedReadCarriesAboutTheLimitFromEachNodeAndAnswersAsOneNode(_ oldestFirst: Bool) {
        let (query, nodes, single) = Self.cluster()
        let read = { (store: any TelemetryReader) in
            store.logs(.anonymous, matching: [], from: .min, to: .max, limit: 100, oldestFirst: oldestFirst)
        }
        let expected = read(single)
        #expect(expected.count == 100)
        #expect(read(query) == expected)
        // Each node's first page is the limit; the merge takes about half of each, so no second page is asked.
        #expect(nodes.map(\.sent) == [100, 100])
    }

    @Test(arguments: [false, true])
    func aFilteredReadAsksForMorePagesUntilItHasItsLimit(_ oldestFirst: Bool) {
        let (query, nodes, single) = Self.cluster()
        let read = { (store: any TelemetryReader) in
            store.logs(.anonymous, matching: [], from: .min, to: .max, limit: 50, oldestFirst: oldestFirst) {
                $0.line.hasSuffix(" slow")
            }
        }
        let expected = read(single)
        #expect(expected.count == 50)
        #expect(read(query) == expected)
        // 50 slow lines are 500 records of the two nodes: pages of 50, 100, 200, … from each until they are found,
        // never each node's whole 3,000.
        #expect(nodes.allSatisfy { $0.sent >= 250 && $0.sent <= 1000 }, "\(nodes.map(\.sent))")
    }

    @Test func aReadOfEverythingComesInBoundedPagesAndMissesNothing() {
        let (query, nodes, single) = Self.cluster()
        let all = query.logs(.anonymous, matching: [], from: .min, to: .max, limit: .max)
        #expect(all == single.logs(.anonymous, matching: [], from: .min, to: .max, limit: .max))
        #expect(all.count == 6030)
        #expect(nodes.map(\.sent) == [3000, 3000])
        // A metric over logs counts each node's records, paged the same way.
        let lines = query.logLines(.anonymous, matching: [], from: .min, to: .max, lineContains: [], sizes: false)
        #expect(lines.reduce(0) { $0 + $1.times.count } == 6030)
    }

    /// Records sharing a time across a page's end: a page completes its last time, the next starts after it.
    @Test(arguments: [false, true])
    func recordsAtOneTimeAcrossAPageBoundaryComeOnce(_ oldestFirst: Bool) {
        // Five records at each time; the filter passes every tenth, and the pages (58, then 116, 232, …) end
        // inside a time, completed to its end.
        let tied = (0..<600).map { index in
            LogRecord(
                time: F.base + Int64(index / 5) * F.second, severity: Severity(.info),
                body: .string("tied \(index)"), resource: F.resource("alpha"))
        }
        let node = InProcessNode("a", Self.head(tied))
        let query = FanOutQuerier(local: Head(), peers: Peers(nodes: [node]), logger: F.quietLogger)
        let read = { (store: any TelemetryReader) in
            store.logs(.anonymous, matching: [], from: .min, to: .max, limit: 58, oldestFirst: oldestFirst) {
                $0.line.hasSuffix("7")
            }
        }
        let found = read(query)
        #expect(found.count == 58)
        #expect(found == read(Self.head(tied)))
        #expect(node.sent == 600)
        // Every record once, through every page: none twice at a page's end, none skipped.
        let all = query.logs(.anonymous, matching: [], from: .min, to: .max, limit: .max, oldestFirst: oldestFirst)
        #expect(all.count == 600 && Set(all.map(\.line)).count == 600)
    }

    @Test func aReplyPageStopsAtItsLimitAfterCompletingTheLastTime() {
        let tied = (0..<12).map { index in
            LogRecord(
                time: F.base + Int64(index / 4) * F.second, severity: Severity(.info), body: .string("r\(index)"),
                resource: F.resource("alpha"))
        }
        let head = Self.head(tied)
        var request = ReadRequest(tenant: .anonymous, limit: 5)
        let first = head.reply(.logPages, request)
        // Newest first: the four at the newest time, then the limit falls in the next time's four: all of them.
        guard case .logs(let page) = first.answer else { Issue.record("not logs: \(first)"); return }
        #expect(page.count == 8 && first.more)
        let next = RemotePaging.next(after: page, request)
        #expect(next?.to == F.base + F.second - 1)
        request = next!
        let last = head.reply(.logPages, request)
        #expect(last.answer.items == 4 && !last.more)
    }

    @Test func spansArePagedTheSameWay() {
        let older = F.batch(traces: 1500)
        let newer = F.batch(traces: 1500, offset: 1500 * F.second)
        let nodes = [InProcessNode("a", Self.head(older)), InProcessNode("b", Self.head(newer))]
        let query = FanOutQuerier(local: Head(), peers: Peers(nodes: nodes), logger: F.quietLogger)
        let single = Head()
        single.append(older)
        single.append(newer)
        let newest = { (store: any TelemetryReader) in
            store.spans(.anonymous, from: .min, to: .max, limit: 100) { _ in true }
        }
        #expect(newest(query) == newest(single))
        #expect(nodes.map(\.sent) == [100, 100])
        // A read of every span (the service graph's) pages through both nodes.
        #expect(Array(query.everySpan(ReadRequest(tenant: .anonymous))).count == 6000)
        #expect(nodes.map(\.sent) == [3100, 3100])
    }

    @Test func aNodesDamagedPageIsWarnedOfByTheQueryNodeOnceAsTheNodeWarnsOfIt() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (batch, _) = BlockDamageTests.threeStreams()
        let (damaged, _) = try await BlockDamageTests.reopened(batch, in: directory) { block in
            let bravo = try #require(block.logs?.streams.first { $0.labels["service"] == "bravo" }?.pages.first)
            try BlockDamageTests.flipByte(in: block.directory + "/logs/pages", at: bravo.offset + 6)
        }
        defer { try? damaged.close() }
        let (alone, warnings) = BlockDamageTests.read {
            damaged.logs(.anonymous, matching: [], from: .min, to: .max, limit: .max)
        }
        #expect(alone.count == 40 && warnings.count == 1)

        // Two nodes answering from the same store report the same damage: the answer names it once.
        let nodes = [InProcessNode("a", damaged), InProcessNode("b", damaged)]
        let query = FanOutQuerier(local: Head(), peers: Peers(nodes: nodes), logger: F.quietLogger)
        let (read, fannedOut) = BlockDamageTests.read {
            query.logs(.anonymous, matching: [], from: .min, to: .max, limit: .max)
        }
        #expect(read == alone)
        #expect(fannedOut == warnings)
        let (lines, lineWarnings) = BlockDamageTests.read {
            query.logLines(.anonymous, matching: [], from: .min, to: .max, lineContains: [], sizes: false)
        }
        #expect(lines.reduce(0) { $0 + $1.times.count } == 40)
        #expect(lineWarnings == warnings)
    }
}
