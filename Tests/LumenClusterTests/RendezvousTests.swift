import LumenCluster
import Testing

struct RendezvousTests {
    let partitions = 64

    @Test func aJoiningNodeTakesOnlyItsShareAndOnlyForItself() {
        let before = Rendezvous.assignment(partitions: partitions, nodes: ["a", "b", "c"])
        let after = Rendezvous.assignment(partitions: partitions, nodes: ["a", "b", "c", "d"])
        let moved = (0..<partitions).filter { before[$0] != after[$0] }
        #expect(moved.allSatisfy { after[$0] == "d" })
        // About a quarter: 16 expected.
        #expect((8...26).contains(moved.count), "\(moved.count) moved")
    }

    @Test func aLeavingNodesPartitionsAloneMove() {
        let before = Rendezvous.assignment(partitions: partitions, nodes: ["a", "b", "c"])
        let after = Rendezvous.assignment(partitions: partitions, nodes: ["a", "c"])
        for partition in 0..<partitions {
            if before[partition] == "b" {
                #expect(after[partition] != "b")
            } else {
                #expect(after[partition] == before[partition])
            }
        }
    }

    @Test func everyNodeComputesTheSameOwnersWhateverTheOrder() {
        #expect(Rendezvous.assignment(partitions: partitions, nodes: ["a", "b", "c"])
            == Rendezvous.assignment(partitions: partitions, nodes: ["c", "a", "b"]))
        #expect(Rendezvous.owner(of: 3, among: [String]()) == nil)
        let counts = Dictionary(grouping: Rendezvous.assignment(partitions: 300, nodes: ["a", "b", "c"]), by: { $0! })
            .mapValues(\.count)
        #expect(counts.values.allSatisfy { (70...130).contains($0) }, "\(counts)")
    }
}
