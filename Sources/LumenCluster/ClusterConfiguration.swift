import Foundation

/// How a node joins a cluster (`lumen serve --cluster …`, or `cluster:` in the YAML file; docs/cluster.md). With
/// none, Lumen is the single node it always was and needs no NATS.
public struct ClusterConfiguration: Sendable, Equatable {
    public enum Role: String, CaseIterable, Comparable, Sendable {
        /// Receives every protocol, splits batches by partition, publishes them to JetStream.
        case collector
        /// Owns partitions by lease and applies them to its store.
        case storage
        /// Answers queries from its own store and every storage node that owns a partition (`ClusterReads`).
        case query

        public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// NATS server URLs, `nats://host:port` each.
    public var servers: [String]
    /// This node's name: unique in the cluster and stable across restarts (its leases and consumers carry it).
    public var node: String
    public var roles: Set<Role> = Set(Role.allCases)
    /// Fixed when the cluster is first created; a node started with another count uses the cluster's.
    public var partitions = 64
    /// Streams the partitions spread over (each has its own Raft leader).
    public var streams = 4
    /// A partition's lease: renewed every third of it, given up by a silent holder at half of it.
    public var leaseTTL: Duration = .seconds(10)
    /// Messages older than this leave the stream; keep it above the longest a storage node may be down.
    public var streamMaxAge: Duration = .seconds(24 * 3600)
    /// Per stream; when full, publishes are refused (collectors answer 503) rather than dropping old data.
    public var streamMaxBytes: Int64 = 4 << 30
    /// `http://host:port` of this node's API, announced in `lumen-nodes` so query nodes can reach it; nil means
    /// the node answers no reads from others.
    public var advertiseURL: String?
    /// The block store every node shares (`--block-store`): owned partitions are flushed there and query nodes read
    /// it directly. Nil: each node keeps what it applied in its own store (docs/cluster.md).
    public var blockStore: String?
    /// With a block store, a partition's head is flushed once its oldest data arrived this long ago.
    public var flushInterval: Duration = .seconds(300)
    /// With a block store, how long an owner still serves a head it flushed: above a query's longest time.
    public var flushedHeadLinger: Duration = .seconds(30)

    public static let maxPartitions = 4096

    /// A node's name when none is given: the host's, with characters a name may not hold (dots) as '-'.
    public static var defaultNode: String {
        String(ProcessInfo.processInfo.hostName.prefix(64).map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") ? $0 : "-" })
    }

    public init(servers: [String], node: String) {
        self.servers = servers
        self.node = node
    }

    /// What is wrong with it, or nil.
    public var problem: String? {
        if servers.isEmpty { return "cluster needs at least one NATS server URL" }
        if let bad = servers.first(where: { Self.serverProblem($0) != nil }) { return Self.serverProblem(bad) }
        if node.isEmpty || node.utf8.count > 64
            || !node.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)
                || "-_".unicodeScalars.contains($0)) })
        {
            return "node name \"\(node)\" must be 1-64 letters, digits, '-' or '_'"
        }
        if roles.isEmpty { return "a node needs at least one role (collector, storage, query)" }
        if !(1...Self.maxPartitions).contains(partitions) { return "partitions must be 1-\(Self.maxPartitions)" }
        if !(1...partitions).contains(streams) { return "streams must be 1 to the number of partitions" }
        if leaseTTL < .seconds(1) { return "the lease TTL must be at least 1s" }
        if let blockStore, blockStore.isEmpty { return "the block store must be a directory" }
        if flushInterval < .seconds(1) { return "the flush interval must be at least 1s" }
        return nil
    }

    private static func serverProblem(_ url: String) -> String? {
        guard url.hasPrefix("nats://"), let colon = url.lastIndex(of: ":"),
            let port = Int(url[url.index(after: colon)...]), (1...65535).contains(port),
            url.distance(from: url.startIndex, to: colon) > "nats://".count
        else { return "a NATS server URL is nats://host:port, got \"\(url)\"" }
        return nil
    }

    /// Parses `nats://h:p[,nats://h:p…]`.
    public static func servers(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Parses `collector,storage,query`; nil naming an unknown role.
    public static func roles(_ text: String) -> Result<Set<Role>, ClusterConfigurationError> {
        var roles: Set<Role> = []
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let role = Role(rawValue: name) else {
                return .failure(ClusterConfigurationError(
                    message: "unknown role \"\(name)\" (roles: collector, storage, query)"))
            }
            roles.insert(role)
        }
        return .success(roles)
    }
}

public struct ClusterConfigurationError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
