import Foundation
import LumenModel
import Synchronization
import Testing

@testable import LumenCluster

/// The cluster-wide claims on a tenant's limits of stored state (`UsageLedger`), against a real nats-server: two
/// storage nodes claiming from one bucket at once, a claim lowered once a node holds less, a dead node's claim, and
/// what a collector reads of them (`PublishedUsage`).
@Suite(.enabled(if: NATSServerProcess.isInstalled, NATSServerProcess.skipReason), .timeLimit(.minutes(1)))
struct UsageLedgerTests {
    static let tenant = Tenant("limited")!

    /// A storage node's ledger and what it holds of `tenant` (its heads, played by a counter).
    final class Node: Sendable {
        let ledger: UsageLedger
        let held = Mutex(TenantUsage.zero)

        init(_ name: String, bucket: KeyValueBucket, maxSeries: Int) {
            ledger = UsageLedger(node: name, bucket: bucket) { _ in
                ActiveLimits(maxActiveSeries: maxSeries, maxActiveLogStreams: 3)
            }
        }

        /// Admits `wanted` among `live`, appends what was granted, and returns it.
        func append(_ wanted: TenantUsage, live: Set<String>) throws -> TenantUsage {
            let granted = try ledger.admit(UsageLedgerTests.tenant, wanted: wanted, live: live) { held.withLock { $0 } }
            held.withLock { $0 = $0 + granted }
            ledger.settle(UsageLedgerTests.tenant, granted)
            return granted
        }

        func refresh() throws { try ledger.refresh { _ in held.withLock { $0 } } }
    }

    static func claims(_ bucket: KeyValueBucket) throws -> [String: TenantUsage] {
        let entry = try #require(try bucket.get(UsageRecord.key(of: tenant)))
        return try #require(UsageRecord(bytes: entry.value)).nodes
    }

    /// Runs `body` on a thread of its own (the ledger blocks in KV requests) and waits for it.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    @Test func twoNodesAdmittingAtOnceTogetherClaimExactlyTheLimit() async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        let bucket = try KeyValueBucket(jetStream: jetStream, name: "usage", ttl: nil, replicas: 1)
        defer { bucket.close() }
        let live: Set<String> = ["a", "b"]
        let nodes = [Node("a", bucket: bucket, maxSeries: 25), Node("b", bucket: bucket, maxSeries: 25)]
        // Each asks for 40 new series, 2 at a time, both at once: 80 wanted, 25 fit.
        let granted = try await withThrowingTaskGroup(of: Int.self) { group in
            for node in nodes {
                group.addTask {
                    try await Self.onThread {
                        try (0..<20).reduce(0) { sum, _ in sum + (try node.append(TenantUsage(series: 2), live: live)).series }
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(granted == 25)
        #expect(nodes.map { $0.held.withLock { $0.series } }.reduce(0, +) == 25)
        let claims = try Self.claims(bucket)
        // A node granted nothing (the other filled the limit first on a loaded machine) has no claim in the record.
        #expect((claims["a"]?.series ?? 0) + (claims["b"]?.series ?? 0) == 25, "\(claims)")
        // Full: nothing more is granted to either, streams still are (their own limit).
        #expect(try nodes[0].append(TenantUsage(series: 1, streams: 5), live: live) == TenantUsage(series: 0, streams: 3))
    }

    @Test func aClaimLoweredOnceItsNodeHoldsLessLetsTheOtherAdmitAndADeadNodesClaimDoesNotCount() async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        let bucket = try KeyValueBucket(jetStream: jetStream, name: "usage", ttl: nil, replicas: 1)
        defer { bucket.close() }
        let nodesBucket = try KeyValueBucket(jetStream: jetStream, name: "nodes", ttl: .seconds(30), replicas: 1)
        defer { nodesBucket.close() }
        let (a, b) = (Node("a", bucket: bucket, maxSeries: 10), Node("b", bucket: bucket, maxSeries: 10))
        let live: Set<String> = ["a", "b"]
        #expect(try a.append(TenantUsage(series: 10), live: live).series == 10)
        #expect(try b.append(TenantUsage(series: 4), live: live).series == 0)
        // a's head was flushed: it holds 4 now, and says so at its next tick.
        a.held.withLock { $0.series = 4 }
        try a.refresh()
        #expect(try Self.claims(bucket)["a"] == TenantUsage(series: 4))
        #expect(try b.append(TenantUsage(series: 10), live: live).series == 6)

        // A collector reads the live nodes' claims summed.
        try nodesBucket.put("n.a", value: Array("storage".utf8))
        try nodesBucket.put("n.b", value: Array("storage".utf8))
        #expect(try PublishedUsage.read(usage: bucket, nodes: nodesBucket)[Self.tenant] == TenantUsage(series: 10))
        // b is gone: its claim no longer counts, for a collector or for a's admissions.
        try nodesBucket.delete("n.b")
        #expect(try await ClusterTestSupport.eventually {
            try PublishedUsage.read(usage: bucket, nodes: nodesBucket)[Self.tenant] == TenantUsage(series: 4)
        })
        #expect(try a.append(TenantUsage(series: 10), live: ["a"]).series == 6)

        // Restarted (a new ledger, nothing in memory), a takes up its claim and lowers it to what it holds.
        let restarted = Node("a", bucket: bucket, maxSeries: 10)
        restarted.held.withLock { $0.series = 2 }
        try restarted.refresh()
        #expect(try Self.claims(bucket)["a"] == TenantUsage(series: 2))
    }

    @Test func aRecordIsKeyedByTheTenantInHexAndSumsOnlyLiveNodes() {
        #expect(UsageRecord.key(of: Tenant("a.b*(c)")!) == "t.612e622a286329")
        let record = UsageRecord(tenant: "t", nodes: ["a": TenantUsage(series: 3, streams: 1), "b": TenantUsage(series: 4)])
        #expect(UsageRecord(bytes: record.bytes) == record)
        #expect(record.total(among: ["a", "b", "c"]) == TenantUsage(series: 7, streams: 1))
        #expect(record.total(among: ["a", "b"], excluding: "a") == TenantUsage(series: 4))
        #expect(record.total(among: ["c"]) == .zero)
    }
}
