import Foundation
import LumenCluster
import Testing

/// Listing a bucket from the view one watcher keeps (`KeyValueView`), against a real nats-server: another node's
/// writes and deletes show, a key that expires by the TTL (no watch event) leaves the listing by its write time,
/// and the values are the server's. The TTL is 5 s, not shorter: the view leaves out what was written more than a TTL
/// ago, and under a full test run the watcher's thread may wait seconds for a core.
@Suite(.enabled(if: NATSServerProcess.isInstalled, NATSServerProcess.skipReason), .timeLimit(.minutes(1)))
struct KeyValueViewTests {
    static let ttl = Duration.seconds(5)

    @Test func theViewFollowsAnotherNodesWritesDeletesAndExpiries() async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        let reader = try KeyValueBucket(jetStream: jetStream, name: "nodes", ttl: Self.ttl, replicas: 1)
        defer { reader.close() }
        let other = try ClusterTestSupport.jetStream([server.url], name: "other")
        defer { other.close() }
        let writer = try KeyValueBucket(jetStream: other, name: "nodes", ttl: Self.ttl, replicas: 1)
        defer { writer.close() }

        #expect(try reader.keys() == [])
        try writer.put("n.a", value: Array("http://a".utf8))
        let b = try writer.put("n.b", value: Array("http://b".utf8))
        #expect(try await ClusterTestSupport.eventually(within: .seconds(10)) { try reader.keys().sorted() == ["n.a", "n.b"] })
        let entries = try reader.entries().sorted { $0.key < $1.key }
        #expect(entries.map(\.value) == [Array("http://a".utf8), Array("http://b".utf8)])
        #expect(entries.last?.revision == b)

        try writer.delete("n.a")
        #expect(try await ClusterTestSupport.eventually(within: .seconds(10)) { try reader.keys() == ["n.b"] })

        // n.b is not written again: it expires by the TTL without an event, and leaves the listing; n.c, written
        // every half second, stays.
        let deadline = ContinuousClock.now + Self.ttl + .seconds(1)
        while ContinuousClock.now < deadline {
            try writer.put("n.c", value: Array("http://c".utf8))
            try await Task.sleep(for: .milliseconds(500))
        }
        try writer.put("n.c", value: Array("http://c".utf8))
        #expect(try await ClusterTestSupport.eventually(within: .seconds(3)) { try reader.keys() == ["n.c"] })
    }
}
