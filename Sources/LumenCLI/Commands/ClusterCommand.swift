import ArgumentParser
import Foundation
import LumenCluster
import LumenRender

/// `lumen cluster`: the cluster as one node sees it — the storage nodes alive, and each partition's owner,
/// epoch, applied sequence, lag and state (`GET /lumen/v1/cluster`).
struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Show the cluster as one node sees it: the storage nodes, and every partition's owner and progress.",
        discussion: """
            Reads GET /lumen/v1/cluster of the node at --api. EPOCH is the lease's fencing token; APPLIED (the \
            highest stream sequence applied) and LAG (messages of the partition's stream past it) are known on \
            the node that owns the partition, so ask that node for them. See docs/cluster.md.
            """)

    @OptionGroup var client: ClientOptions

    func run() async throws {
        let data = try await client.client().get("lumen/v1/cluster")
        let status = try JSONDecoder().decode(ClusterStatus.self, from: data)
        client.output.print(
            table: {
                "node \(status.node) (\(status.roles.joined(separator: ", "))), NATS \(status.servers.joined(separator: ","))\n"
                    + "storage nodes: \(status.storageNodes.isEmpty ? "none" : status.storageNodes.joined(separator: ", "))\n\n"
                    + Self.table(status).render(maxWidth: Terminal.tableWidth)
            },
            json: { data },
            records: { Records(header: Self.header, rows: Self.rows(status), numeric: ["partition", "epoch", "applied", "flushed", "lag"]) })
    }

    static let header = ["partition", "owner", "epoch", "applied", "flushed", "lag", "state"]

    /// - Parameter owner: how a partition's owner is written (the table adds where it is moving).
    static func rows(_ status: ClusterStatus, owner: (PartitionStatus) -> String = { $0.owner ?? "" }) -> [[String]] {
        status.partitions.map {
            [
                String($0.partition), owner($0), $0.epoch.map(String.init) ?? "",
                $0.appliedSequence.map(String.init) ?? "", $0.flushedSequence.map(String.init) ?? "",
                $0.lag.map(String.init) ?? "", $0.state,
            ]
        }
    }

    /// The owner, and where the partition is moving when rendezvous hashing destines it for another node: for people
    /// (the table); the records keep the owner alone, and JSON has `destined` as a field of its own.
    static func movingOwner(_ partition: PartitionStatus) -> String {
        guard let destined = partition.destined, destined != partition.owner else { return partition.owner ?? "" }
        return (partition.owner ?? "") + " → " + destined
    }

    static func table(_ status: ClusterStatus) -> TextTable {
        let numeric: Set = ["partition", "epoch", "applied", "flushed", "lag"]
        var table = TextTable(columns: header.map {
            TextTable.Column($0.uppercased(), alignment: numeric.contains($0) ? .right : .left)
        })
        for row in rows(status, owner: movingOwner) { table.append(row.map { $0.isEmpty ? "-" : $0 }) }
        return table
    }
}
