import Foundation
import LumenCluster
import Testing

/// The Key-Value operations the lease protocol rests on, against a real nats-server.
@Suite(.enabled(if: NATSServerProcess.isInstalled, NATSServerProcess.skipReason), .timeLimit(.minutes(1)))
struct KeyValueLeaseTests {
    @Test func createAcquiresOnceAndCompareAndSwapRenewsOnlyTheCurrentRevision() async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        let bucket = try KeyValueBucket(jetStream: jetStream, name: "leases", ttl: .seconds(30), replicas: 1)
        defer { bucket.close() }

        let acquired = try #require(try bucket.create("p.1", value: OwnershipRecord(node: "a", epoch: 0).bytes))
        #expect(try bucket.create("p.1", value: OwnershipRecord(node: "b", epoch: 0).bytes) == nil)
        let renewed = try #require(
            try bucket.update("p.1", value: OwnershipRecord(node: "a", epoch: acquired).bytes,
                expectedRevision: acquired))
        #expect(renewed > acquired)
        // A stale holder's compare-and-swap fails: it has lost the lease.
        #expect(try bucket.update("p.1", value: [], expectedRevision: acquired) == nil)
        let entry = try #require(try bucket.get("p.1"))
        #expect(entry.revision == renewed)
        #expect(OwnershipRecord(bytes: entry.value) == OwnershipRecord(node: "a", epoch: acquired))
        #expect(try bucket.keys() == ["p.1"])
        #expect(try bucket.get("p.2") == nil)

        // Given up: deleted, then another node's create succeeds.
        try bucket.delete("p.1")
        #expect(try bucket.get("p.1") == nil)
        #expect(try bucket.create("p.1", value: OwnershipRecord(node: "b", epoch: 0).bytes) != nil)
    }

    @Test func anUnrenewedLeaseExpiresWithoutAnEventAndCanBeAcquiredAgain() async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        let bucket = try KeyValueBucket(jetStream: jetStream, name: "short", ttl: .seconds(1), replicas: 1)
        defer { bucket.close() }
        let first = try #require(try bucket.create("p.0", value: Array("a".utf8)))
        #expect(try bucket.create("p.0", value: Array("b".utf8)) == nil)
        // No watch event comes for a TTL expiry: candidates poll.
        #expect(try await ClusterTestSupport.eventually(within: .seconds(10)) { try bucket.get("p.0") == nil })
        let second = try #require(try bucket.create("p.0", value: Array("b".utf8)))
        #expect(second > first)
    }
}
