import Foundation
import LumenEngine
import LumenModel
import Testing

@testable import LumenCluster

/// Owner resolution and the read-your-writes barrier against a real nats-server: two storage nodes announce their
/// addresses and split the partitions; a query node asks each the partitions it holds; an owner's barrier is met
/// once it has applied an acknowledged write, and a node refuses a barrier for a partition it does not hold.
@Suite(.enabled(if: NATSServerProcess.isInstalled, NATSServerProcess.skipReason), .timeLimit(.minutes(1)))
struct ClusterReadsTests {
    static func node(_ name: String, _ url: String, directory: String) throws -> (ClusterNode, Storage) {
        var configuration = ClusterConfiguration(servers: [url], node: name)
        configuration.partitions = 8
        configuration.streams = 2
        // nats-server reserves each stream's MaxBytes from its store, sized by the free disk; the default 4 GiB per
        // stream failed to place (JetStream error 10047) on a CI machine with 14 GB free.
        configuration.streamMaxBytes = 64 << 20
        configuration.leaseTTL = .seconds(3)
        configuration.advertiseURL = "http://127.0.0.1:2110\(name == "a" ? 1 : 2)"
        let storage = try Storage(directory: directory + "/\(name)", logger: ClusterTestSupport.quietLogger)
        let node = try ClusterNode(
            configuration: configuration, storage: storage, dataDirectory: directory + "/\(name)",
            logger: ClusterTestSupport.quietLogger)
        return (node, storage)
    }

    @Test func aQueryAsksEachOwnerForItsPartitionsAfterItsBarrier() async throws {
        let server = try NATSServerProcess()
        let directory = ClusterTestSupport.scratch("reads")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (a, storageA) = try Self.node("a", server.url, directory: directory)
        let (b, storageB) = try Self.node("b", server.url, directory: directory)
        defer {
            try? storageA.close()
            try? storageB.close()
        }

        var owners = ReadOwners(partitions: 0, holders: [:], announcements: [:])
        #expect(try await ClusterTestSupport.eventually(within: .seconds(20)) {
            owners = try ReadOwners.read(leases: a.leases, nodes: a.nodes, partitions: 8)
            return owners.unowned.isEmpty && owners.owners.count == 2
        })
        #expect(owners.owners["a"]?.url == "http://127.0.0.1:21101")
        #expect(owners.owners["b"]?.url == "http://127.0.0.1:21102")
        // Required, not unwrapped: a missing owner (a lease lost on a loaded machine) fails this test, not the run.
        let (ownedByA, ownedByB) = (try #require(owners.owners["a"]), try #require(owners.owners["b"]))
        #expect(ownedByA.partitions.union(ownedByB.partitions) == Set(0..<8))

        // The query node (a) reads its own partitions locally and asks b for b's, each with its stream's sequence.
        let reads = ClusterReads(node: a, barrier: ReadBarrier(node: a), adminToken: nil, timeout: .seconds(5))
        let asked = try reads.nodes(for: ReadRequest(tenant: .anonymous), scope: ReadScope())
        let remote = try #require(asked.first as? HTTPReadNode)
        #expect(asked.count == 1 && remote.name == "b" && remote.url == "http://127.0.0.1:21102")
        #expect(Set(remote.barrier.keys) == ownedByB.partitions)

        // Lumen's own metrics stay with each node (and name it): a read of them asks every other storage node
        // that announced an address, for all it holds, with no barrier.
        let own = Tenant("_lumen")!
        let ownReads = ClusterReads(
            node: a, barrier: ReadBarrier(node: a), adminToken: nil, timeout: .seconds(5), localTenants: [own])
        let everyNode = try ownReads.nodes(for: ReadRequest(tenant: own), scope: ReadScope())
            .compactMap { $0 as? HTTPReadNode }
        #expect(everyNode.map(\.name) == ["b"] && everyNode.allSatisfy { $0.barrier.isEmpty && $0.partitioner == nil })

        // A write acknowledged by JetStream: its owner meets the barrier once it has applied it.
        let tenant = Tenant("shop")!
        let trace = TraceID(high: 19, low: 4)
        let span = Span(
            traceID: trace, spanID: SpanID(1), name: "GET /", kind: .server, startTime: 1_000, endTime: 2_000,
            resource: Resource(attributes: [Attribute("service.name", .string("cart"))]))
        // With spans of other traces, spread over both streams.
        let others = (1...20).map { index in
            Span(
                traceID: TraceID(high: 20, low: UInt64(index)), spanID: SpanID(UInt64(index)), name: "GET /",
                kind: .server, startTime: 1_000, endTime: 2_000, resource: span.resource)
        }
        let publisher = ClusterPublisher(jetStream: a.jetStream, layout: a.layout)
        try await publisher.publish(Batch(tenant: tenant, spans: [span] + others))
        await publisher.shutdown()
        let partition = Partitioner(count: 8).partition(of: span, tenant: tenant)
        let sequence = try #require(try a.jetStream.streamState(a.layout.stream(ofPartition: partition))?.lastSequence)
        let (owner, other) = ownedByA.partitions.contains(partition) ? (a, b) : (b, a)
        let ownerStorage = owner === a ? storageA : storageB
        // The barriers wait off Swift's cooperative pool: the appliers they wait for append on it.
        let met = await ClusterTestSupport.offPool {
            ReadBarrier(node: owner).wait(for: [partition: sequence], until: .now + .seconds(10)) { false }
        }
        #expect(met == nil)
        #expect(ownerStorage.trace(tenant, id: trace).spans == [span])
        let refused = await ClusterTestSupport.offPool {
            ReadBarrier(node: other).wait(for: [partition: sequence], until: .now + .seconds(1)) { false }
        }
        #expect(refused?.contains("does not hold partition \(partition)") == true, "\(refused ?? "")")
        // Every other partition of the owner is met too, at its own stream's last sequence: nothing of theirs is
        // pending, though their own last messages lie below it.
        let rest = (owner === a ? ownedByA : ownedByB).partitions.subtracting([partition])
        let sequences = try Dictionary(uniqueKeysWithValues: rest.map { other in
            (other, try owner.jetStream.streamState(owner.layout.stream(ofPartition: other))?.lastSequence ?? 0)
        })
        #expect(sequences.values.contains { $0 > 0 }, "\(sequences)")
        let allMet = await ClusterTestSupport.offPool {
            ReadBarrier(node: owner).wait(for: sequences, until: .now + .seconds(10)) { false }
        }
        #expect(allMet == nil)

        // A trace by ID goes to its partition's owner only.
        let read = RemoteRead.spansOfTraces(traceIDs: [trace.hex])
        let toB = remote.start(read, ReadRequest(tenant: tenant), scope: ReadScope()) != nil
        #expect(toB == (owner === b))

        await a.shutdown()
        await b.shutdown()
    }
}
