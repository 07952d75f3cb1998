/// Who should own a partition: rendezvous (highest-random-weight) hashing. Each node scores each partition with
/// `PartitionHash(node name, partition)`; the highest score wins (ties, which need equal 64-bit hashes, go to the
/// smaller name). A node joining takes only the partitions it now wins (about 1/n of them); a node leaving gives
/// up only its own, each to its runner-up. No state, so every node computes the same answer from the same list.
public enum Rendezvous {
    public static func score(node: String, partition: Int) -> UInt64 {
        var hash = PartitionHash()
        hash.combine(node)
        hash.combine(UInt64(partition))
        return hash.value
    }

    /// The node that should own `partition`, or nil when there are no nodes.
    public static func owner(of partition: Int, among nodes: some Sequence<String>) -> String? {
        var best: (node: String, score: UInt64)?
        for node in nodes {
            let score = score(node: node, partition: partition)
            if let current = best, current.score > score || (current.score == score && current.node < node) { continue }
            best = (node, score)
        }
        return best?.node
    }

    /// For every partition, its owner among `nodes` (none when `nodes` is empty).
    public static func assignment(partitions: Int, nodes: [String]) -> [String?] {
        (0..<partitions).map { owner(of: $0, among: nodes) }
    }
}
