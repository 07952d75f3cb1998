import Foundation
import LumenCluster
import Synchronization
import Testing

/// Listing a bucket from the view one watcher keeps (`KeyValueView`), against a real nats-server: another node's
/// writes and deletes show with the server's values and revisions, and a key that expires by the TTL (no watch
/// event) leaves the listing by its write time while a key rewritten stays.
///
/// Under a full test run this task may wait seconds for one of the pool's two threads, so no assertion depends on
/// when it runs: the first test's bucket has no TTL, and the second's rewrites come from a thread of their own.
@Suite(.enabled(if: NATSServerProcess.isInstalled, NATSServerProcess.skipReason), .timeLimit(.minutes(1)))
struct KeyValueViewTests {
    @Test func theViewFollowsAnotherNodesWritesAndDeletes() async throws {
        let server = try NATSServerProcess()
        let nodes = try TwoNodes(bucket: "nodes", ttl: nil, on: server)
        defer { nodes.close() }
        let (reader, writer) = (nodes.reader, nodes.writer)

        #expect(try reader.keys() == [])
        try writer.put("n.a", value: Array("http://a".utf8))
        let b = try writer.put("n.b", value: Array("http://b".utf8))
        #expect(try await ClusterTestSupport.eventually(within: .seconds(10)) { try reader.keys().sorted() == ["n.a", "n.b"] })
        let entries = try reader.entries().sorted { $0.key < $1.key }
        #expect(entries.map(\.value) == [Array("http://a".utf8), Array("http://b".utf8)])
        #expect(entries.last?.revision == b)

        try writer.delete("n.a")
        #expect(try await ClusterTestSupport.eventually(within: .seconds(10)) { try reader.keys() == ["n.b"] })
    }

    @Test func aKeyNotWrittenForTheTTLLeavesTheListingAndARewrittenOneStays() async throws {
        let ttl = Duration.seconds(3)
        let server = try NATSServerProcess()
        let nodes = try TwoNodes(bucket: "leases", ttl: ttl, on: server)
        defer { nodes.close() }
        let (reader, writer) = (nodes.reader, nodes.writer)
        #expect(try reader.keys() == [])  // the reader's view is started before the writes

        let rewriting = Rewriting(key: "n.c", every: 0.3, into: writer)
        defer { rewriting.stop() }
        let written = ContinuousClock.now
        try writer.put("n.b", value: Array("http://b".utf8))
        #expect(try await ClusterTestSupport.eventually(within: ttl + .seconds(15)) { try reader.keys() == ["n.c"] })
        #expect(ContinuousClock.now - written >= ttl - .milliseconds(500), "n.b left the listing before its TTL")
        #expect(rewriting.failures == 0)
    }
}

/// A reader's and a writer's bucket of one name, each on a connection of its own, as two nodes have.
private struct TwoNodes {
    let reader: KeyValueBucket
    let writer: KeyValueBucket
    private let connections: [JetStream]

    init(bucket: String, ttl: Duration?, on server: NATSServerProcess) throws {
        connections = [
            try ClusterTestSupport.jetStream([server.url]), try ClusterTestSupport.jetStream([server.url], name: "other"),
        ]
        reader = try KeyValueBucket(jetStream: connections[0], name: bucket, ttl: ttl, replicas: 1)
        writer = try KeyValueBucket(jetStream: connections[1], name: bucket, ttl: ttl, replicas: 1)
    }

    func close() {
        reader.close()
        writer.close()
        for connection in connections { connection.close() }
    }
}

/// Writes one key over and over from a thread of its own until stopped, as a node renewing its lease does.
private final class Rewriting: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let failed = Atomic<Int>(0)
    private let finished = DispatchSemaphore(value: 0)

    init(key: String, every interval: TimeInterval, into bucket: KeyValueBucket) {
        Thread { [self] in
            while !stopped.load(ordering: .relaxed) {
                if (try? bucket.put(key, value: Array(key.utf8))) == nil { failed.add(1, ordering: .relaxed) }
                Thread.sleep(forTimeInterval: interval)
            }
            finished.signal()
        }.start()
    }

    var failures: Int { failed.load(ordering: .relaxed) }

    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        finished.wait()
    }
}
