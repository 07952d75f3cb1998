import LumenCluster
import LumenModel

extension ConfigurationFile {
    /// `cluster:` — joining a cluster through NATS JetStream (docs/cluster.md). Absent: a single node.
    public struct Cluster: Codable, Sendable, Equatable {
        /// `nats://host:port` each.
        public var servers: [String]?
        /// Default: the host name.
        public var node: String?
        public var roles: [String]?
        public var partitions: Int?
        public var streams: Int?
        /// Durations like `10s`, `24h`.
        public var leaseTTL: String?
        public var streamMaxAge: String?
        /// Bytes, per stream.
        public var streamMaxBytes: Int64?
        /// `http://host:port` of this node's query API as other nodes reach it; default `http://127.0.0.1:<api port>`.
        public var advertiseURL: String?
        /// The block store every node shares (docs/cluster.md, "Blocks in shared storage").
        public var blockStore: String?
        /// With a block store: how old a partition's head may grow before it is flushed, like `5m`.
        public var flushInterval: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case servers, node, roles, partitions, streams, leaseTTL = "lease_ttl"
            case streamMaxAge = "stream_max_age", streamMaxBytes = "stream_max_bytes"
            case advertiseURL = "advertise_url"
            case blockStore = "block_store", flushInterval = "flush_interval"
        }

        init(_ configuration: ClusterConfiguration) {
            servers = configuration.servers
            node = configuration.node
            roles = configuration.roles.sorted().map(\.rawValue)
            partitions = configuration.partitions
            streams = configuration.streams
            leaseTTL = DurationText.format(configuration.leaseTTL.nanoseconds)
            streamMaxAge = DurationText.format(configuration.streamMaxAge.nanoseconds)
            streamMaxBytes = configuration.streamMaxBytes
            advertiseURL = configuration.advertiseURL
            blockStore = configuration.blockStore
            flushInterval = configuration.blockStore == nil ? nil : DurationText.format(configuration.flushInterval.nanoseconds)
        }

        /// The cluster configuration this section describes, checked; flags applied later override its keys.
        func configuration() throws -> ClusterConfiguration {
            guard let servers, !servers.isEmpty else {
                throw Error(description: "cluster.servers: at least one nats://host:port is needed")
            }
            var cluster = ClusterConfiguration(servers: servers, node: node ?? ClusterConfiguration.defaultNode)
            if let roles {
                switch ClusterConfiguration.roles(roles.joined(separator: ",")) {
                case .success(let parsed): cluster.roles = parsed
                case .failure(let error): throw Error(description: "cluster.roles: \(error)")
                }
            }
            if let partitions { cluster.partitions = partitions }
            if let streams { cluster.streams = streams }
            if let value = try Self.duration(leaseTTL, "lease_ttl") { cluster.leaseTTL = value }
            if let value = try Self.duration(streamMaxAge, "stream_max_age") { cluster.streamMaxAge = value }
            if let streamMaxBytes {
                guard streamMaxBytes > 0 else { throw Error(description: "cluster.stream_max_bytes must be positive") }
                cluster.streamMaxBytes = streamMaxBytes
            }
            if let advertiseURL {
                cluster.advertiseURL = try ServerConfiguration.checkedExternalURL(advertiseURL) {
                    Error(description: "cluster.advertise_url: \($0)")
                }
            }
            cluster.blockStore = blockStore
            if let value = try Self.duration(flushInterval, "flush_interval") { cluster.flushInterval = value }
            if let problem = cluster.problem { throw Error(description: "cluster: \(problem)") }
            return cluster
        }

        private static func duration(_ text: String?, _ key: String) throws -> Duration? {
            guard let text else { return nil }
            guard let nanoseconds = DurationText.parse(text), nanoseconds > 0 else {
                throw Error(description: "cluster.\(key): expected a positive duration like 10s, got \"\(text)\"")
            }
            return .nanoseconds(nanoseconds)
        }
    }
}
