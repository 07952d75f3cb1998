import Foundation
@testable import LumenCluster
import Testing

/// One node per rule group, against a real nats-server: two nodes share the groups, never both evaluating one;
/// when a node stops, the other takes its groups over at once. (A dead node's keys expire after the TTL:
/// `KeyValueLeaseTests`; a holder that cannot renew stops within `ttl / 2`: `LeaseTests`.)
@Suite(.enabled(if: NATSServerProcess.isInstalled, NATSServerProcess.skipReason), .timeLimit(.minutes(2)))
struct RuleGroupLeasesTests {
    static let groups = (0..<12).map { ("rules/\($0 % 3).yaml", "group-\($0)") }

    static func node(_ name: String, _ url: String, ttl: Duration) throws -> (RuleGroupLeases, () -> Void) {
        let jetStream = try ClusterTestSupport.jetStream([url], name: name)
        let leases = try KeyValueBucket(jetStream: jetStream, name: "leases", ttl: ttl, replicas: 1)
        let nodes = try KeyValueBucket(jetStream: jetStream, name: "nodes", ttl: ttl, replicas: 1)
        let node = RuleGroupLeases(
            node: name, leases: leases, nodes: nodes, ttl: ttl, logger: ClusterTestSupport.quietLogger)
        return (node, { leases.close(); nodes.close(); jetStream.close() })
    }

    /// Which node evaluates each group now, by asking both; a group both may evaluate is a failure.
    static func evaluators(_ a: RuleGroupLeases, _ b: RuleGroupLeases) -> [String] {
        groups.map { file, name in
            let (inA, inB) = (a.mayEvaluate(file: file, group: name), b.mayEvaluate(file: file, group: name))
            #expect(!(inA && inB), "\(file) \(name) evaluated by both nodes")
            return inA ? "a" : inB ? "b" : "-"
        }
    }

    @Test func eachGroupHasOneNodeAndMovesWhenItsNodeStops() async throws {
        let server = try NATSServerProcess()
        // A TTL that outlasts a loaded machine's stalls: a holder stops serving a lease it could not renew for
        // `ttl / 2`. The handover when `a` stops does not wait for the TTL.
        let (a, closeA) = try Self.node("a", server.url, ttl: .seconds(12))
        let (b, closeB) = try Self.node("b", server.url, ttl: .seconds(12))
        defer { closeA(); closeB() }
        a.start()
        b.start()

        // Spread over both nodes by rendezvous hashing once each has seen the other (a node that lists the nodes
        // before the other registered takes every group at first, and hands the other's over a tick later), and
        // stable while both live.
        let wanted = Self.groups.map { file, name in
            Rendezvous.owner(of: RuleGroupLeases.slot(of: RuleGroupLeases.key(file: file, group: name)), among: ["a", "b"])!
        }
        #expect(wanted.contains("a") && wanted.contains("b"))
        var owners: [String] = []
        #expect(try await ClusterTestSupport.eventually(within: .seconds(20)) {
            owners = Self.evaluators(a, b)
            return owners == wanted
        })
        for _ in 0..<20 {
            #expect(Self.evaluators(a, b) == owners)
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(a.heldGroups.count + b.heldGroups.count == Self.groups.count)
        #expect(Set(Self.groups.map { RuleGroupLeases.key(file: $0.0, group: $0.1) }).count == Self.groups.count)

        // `a` stops and gives its leases up: `b` takes them within a few ticks, before they could expire (a key
        // was last written less than `ttl / 3` before the stop, so it lives at least 8 s after it).
        let clock = ContinuousClock()
        let stopped = clock.now
        await ClusterTestSupport.offPool { a.stop() }  // it waits for its tick: off Swift's cooperative pool
        #expect(try await ClusterTestSupport.eventually(within: .seconds(10)) {
            Self.evaluators(a, b).allSatisfy { $0 == "b" }
        })
        #expect(stopped.duration(to: clock.now) < .seconds(8))
        await ClusterTestSupport.offPool { b.stop() }
    }
}
