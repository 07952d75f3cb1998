import LumenCluster
import Testing

@testable import LumenServer

/// `cluster:` in the configuration file: every key read and checked, and what `--print-config` writes read back.
struct ClusterConfigurationFileTests {
    private func apply(_ yaml: String) throws -> ServerConfiguration { try ServerConfiguration.applying(yaml) }

    private func error(_ yaml: String) -> String? { ServerConfiguration.refusal(of: yaml) }

    @Test func noClusterSectionIsASingleNode() throws {
        #expect(try apply("data_dir: /tmp/x\n").cluster == nil)
    }

    @Test func everyKeyOfTheSectionIsRead() throws {
        let cluster = try #require(try apply("""
            cluster:
              servers: [nats://h1:4222, nats://h2:4222]
              node: node-1
              roles: [collector, query]
              partitions: 16
              streams: 2
              lease_ttl: 6s
              stream_max_age: 2h
              stream_max_bytes: 1048576
              advertise_url: http://10.0.0.1:9470/
            """).cluster)
        #expect(cluster.servers == ["nats://h1:4222", "nats://h2:4222"] && cluster.node == "node-1")
        #expect(cluster.roles == [.collector, .query] && cluster.partitions == 16 && cluster.streams == 2)
        #expect(cluster.leaseTTL == .seconds(6) && cluster.streamMaxAge == .seconds(7200))
        #expect(cluster.streamMaxBytes == 1 << 20 && cluster.advertiseURL == "http://10.0.0.1:9470")
    }

    @Test func defaultsAreEveryRoleAndTheHostName() throws {
        let cluster = try #require(try apply("cluster:\n  servers: [nats://h1:4222]\n").cluster)
        #expect(cluster.roles == Set(ClusterConfiguration.Role.allCases))
        #expect(cluster.node == ClusterConfiguration.defaultNode && cluster.problem == nil)
        #expect(cluster.advertiseURL == nil && cluster.partitions == 64)
    }

    @Test(arguments: [
        ("cluster:\n  node: a\n", "cluster.servers: at least one nats://host:port is needed"),
        ("cluster:\n  servers: [h1:4222]\n", #"cluster: a NATS server URL is nats://host:port, got "h1:4222""#),
        ("cluster:\n  servers: [nats://h:1]\n  roles: [ingester]\n",
         #"cluster.roles: unknown role "ingester" (roles: collector, storage, query)"#),
        ("cluster:\n  servers: [nats://h:1]\n  node: a.b\n",
         #"cluster: node name "a.b" must be 1-64 letters, digits, '-' or '_'"#),
        ("cluster:\n  servers: [nats://h:1]\n  partitions: 0\n", "cluster: partitions must be 1-4096"),
        ("cluster:\n  servers: [nats://h:1]\n  lease_ttl: soon\n",
         #"cluster.lease_ttl: expected a positive duration like 10s, got "soon""#),
        ("cluster:\n  servers: [nats://h:1]\n  stream_max_bytes: 0\n", "cluster.stream_max_bytes must be positive"),
        ("cluster:\n  servers: [nats://h:1]\n  advertise_url: node-1:9470\n",
         #"cluster.advertise_url: "node-1:9470" is not an http(s) URL with a host"#),
    ])
    func aWrongValueIsAnErrorNamingItsKey(_ yaml: String, _ message: String) {
        #expect(error(yaml) == message)
    }

    @Test func aMisspeltKeyOfTheSectionSuggestsTheRightOne() {
        #expect(error("cluster:\n  servers: [nats://h:1]\n  partitons: 8\n")
            == #"unknown key "cluster.partitons" at c.yaml:3 — did you mean "cluster.partitions"?"#)
    }

    @Test func whatPrintConfigWritesIsReadBackTheSame() throws {
        var configuration = ServerConfiguration()
        var cluster = ClusterConfiguration(servers: ["nats://h1:4222", "nats://h2:4222"], node: "node-2")
        cluster.roles = [.storage]
        cluster.leaseTTL = .seconds(4)
        cluster.advertiseURL = "http://node-2:9470"
        configuration.cluster = cluster
        let readBack = try apply(try ConfigurationFile(configuration).yaml())
        #expect(readBack.cluster == cluster)
    }
}
