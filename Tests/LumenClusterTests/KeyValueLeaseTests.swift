import Foundation
import LumenCluster
import Synchronization
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

    /// On a 3-server cluster, writers that expect the same revision race: exactly one wins each round, for a create
    /// of an absent key (a lease acquire) and for a compare-and-swap (a renew, a usage claim). JetStream 2.9's own
    /// per-key check let several win (nats-server issue 4320), as `KeyValueBucket.write` records. Route ports from
    /// this suite's block, 21693–21695.
    @Test func concurrentWritersExpectingOneRevisionHaveExactlyOneWinnerOnAClusteredBucket() async throws {
        let routePorts = [21693, 21694, 21695]
        let routes = routePorts.map { "nats://127.0.0.1:\($0)" }
        let servers = try routePorts.enumerated().map { index, port in
            try NATSServerProcess(name: "n\(index)", cluster: (port, routes.filter { !$0.hasSuffix(String(port)) }))
        }
        let writers = 6
        let connections = try (0..<writers).map { try ClusterTestSupport.jetStream([servers[$0 % 3].url], name: "w\($0)") }
        defer { for connection in connections { connection.close() } }
        // JetStream places the R3 bucket once its meta leader is elected.
        var first: KeyValueBucket?
        _ = await ClusterTestSupport.eventually(within: .seconds(30)) {
            first = try? KeyValueBucket(jetStream: connections[0], name: "race", ttl: nil, replicas: 3)
            return first != nil
        }
        let buckets = try [try #require(first)] + connections.dropFirst().map {
            try KeyValueBucket(jetStream: $0, name: "race", ttl: nil, replicas: 3)
        }
        defer { for bucket in buckets { bucket.close() } }

        for round in 0..<10 {
            let key = "k.\(round)"
            let created = try await Self.race(buckets) { bucket, index in
                try bucket.create(key, value: [UInt8(index)])
            }
            #expect(created.count == 1, "round \(round): \(created.count) creates of \(key) won")
            let revision = try #require(try buckets[0].get(key)).revision
            let updated = try await Self.race(buckets) { bucket, index in
                try bucket.update(key, value: [UInt8(index), 1], expectedRevision: revision)
            }
            #expect(updated.count == 1, "round \(round): \(updated.count) updates of revision \(revision) won")
            #expect(try buckets[0].get(key)?.revision == updated.first)
        }
    }

    /// Runs `write` once per bucket, each on a thread of its own, released together: the revisions of those that won.
    private static func race(
        _ buckets: [KeyValueBucket], _ write: @escaping @Sendable (KeyValueBucket, Int) throws -> UInt64?
    ) async throws -> [UInt64] {
        try await ClusterTestSupport.offPool {
            let start = DispatchSemaphore(value: 0)
            let done = DispatchGroup()
            let results = Mutex<[Result<UInt64?, any Error>]>([])
            for (index, bucket) in buckets.enumerated() {
                done.enter()
                Thread {
                    start.wait()
                    let result = Result { try write(bucket, index) }
                    results.withLock { $0.append(result) }
                    done.leave()
                }.start()
            }
            for _ in buckets { start.signal() }
            done.wait()
            return try results.withLock { $0 }.compactMap { try $0.get() }
        }
    }
}
