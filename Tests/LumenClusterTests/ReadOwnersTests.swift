import Testing

@testable import LumenCluster

/// How a query node groups partitions by the node to ask, from the lease and node buckets' values.
struct ReadOwnersTests {
    @Test func partitionsAreGroupedByTheirHolderWithTheAddressItAnnounced() {
        let owners = ReadOwners(
            partitions: 6, holders: [0: "n1", 1: "n2", 2: "n1", 4: "n3", 5: "n2"],
            announcements: ["n1": "http://10.0.0.1:9090/", "n2": "https://n2.example:9443", "n3": "storage"])
        #expect(owners.owners["n1"] == .init(node: "n1", url: "http://10.0.0.1:9090", partitions: [0, 2]))
        #expect(owners.owners["n2"] == .init(node: "n2", url: "https://n2.example:9443", partitions: [1, 5]))
        // A node from before fan-out announces the word "storage": it has no address to read from.
        #expect(owners.owners["n3"] == .init(node: "n3", url: nil, partitions: [4]))
        #expect(owners.unowned == [3])
    }

    @Test func aHolderThatNoLongerAnnouncesItselfHasNoAddress() {
        let owners = ReadOwners(partitions: 2, holders: [0: "gone", 1: "n1"], announcements: ["n1": "http://h:1"])
        #expect(owners.owners["gone"]?.url == nil)
        #expect(owners.owners["n1"]?.partitions == [1])
        #expect(owners.unowned.isEmpty)
    }
}
