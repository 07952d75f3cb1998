import Foundation

/// Who answers reads for which partitions: each partition's lease holder (`lumen-leases`, `p.<partition>`) and
/// the address each storage node announces (`lumen-nodes`, `n.<node>` → its advertised API URL). Pure: built
/// from the two buckets' entries, so the grouping is tested without NATS.
public struct ReadOwners: Equatable, Sendable {
    public struct Owner: Equatable, Sendable {
        public var node: String
        /// Its API (`http://host:port`), or nil when it announced none (a node from before fan-out existed,
        /// whose announcement is the word `storage`).
        public var url: String?
        public var partitions: Set<Int>
    }

    /// By node name.
    public var owners: [String: Owner]
    /// Partitions no node holds now (their owner died and the lease has not been taken yet).
    public var unowned: [Int]
    /// Every live storage node that announced an address, holding partitions or not: node name → API URL.
    public var addresses: [String: String]

    /// - Parameters:
    ///   - holders: each held partition's node.
    ///   - announcements: each live storage node's announced value.
    public init(partitions: Int, holders: [Int: String], announcements: [String: String]) {
        var owners: [String: Owner] = [:]
        var unowned: [Int] = []
        for partition in 0..<partitions {
            guard let node = holders[partition] else {
                unowned.append(partition)
                continue
            }
            owners[node, default: Owner(node: node, url: Self.url(announcements[node]), partitions: [])]
                .partitions.insert(partition)
        }
        self.owners = owners
        self.unowned = unowned
        addresses = announcements.compactMapValues(Self.url)
    }

    /// An announcement's URL: an `http://` or `https://` address; anything else (`storage`) is none.
    static func url(_ announcement: String?) -> String? {
        guard let announcement, announcement.hasPrefix("http://") || announcement.hasPrefix("https://") else {
            return nil
        }
        return announcement.hasSuffix("/") ? String(announcement.dropLast()) : announcement
    }

    /// Reads both buckets' entries (from their views; blocks while a view is not current).
    static func read(leases: KeyValueBucket, nodes: KeyValueBucket, partitions: Int) throws(NATSError) -> ReadOwners {
        var holders: [Int: String] = [:]
        for entry in try leases.entries() where entry.key.hasPrefix("p.") {
            guard let partition = Int(entry.key.dropFirst(2)), (0..<partitions).contains(partition),
                let record = OwnershipRecord(bytes: entry.value)
            else { continue }
            holders[partition] = record.node
        }
        var announcements: [String: String] = [:]
        for entry in try nodes.entries() where entry.key.hasPrefix(PartitionOwnership.nodeKeyPrefix) {
            announcements[String(entry.key.dropFirst(PartitionOwnership.nodeKeyPrefix.count))] =
                String(decoding: entry.value, as: UTF8.self)
        }
        return ReadOwners(partitions: partitions, holders: holders, announcements: announcements)
    }
}
