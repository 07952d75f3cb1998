import Foundation

/// Datagrams the kernel dropped at a UDP listener's socket because its receive buffer was full. The listener
/// never sees them, but Linux counts them per socket in the last column (`drops`) of `/proc/net/udp` and
/// `/proc/net/udp6`; watching that column turns silent loss into `lumen_ingest_refused_requests_total{reason=
/// "receive_buffer_full"}`, a datagram being UDP's request.
enum UDPReceiveDrops {
    static let tables = ["/proc/net/udp", "/proc/net/udp6"]

    /// Adds the socket's new drops to the refused count every `interval` until cancelled (counting nothing where
    /// the tables are missing, as off Linux). Runs until cancelled either way: listeners end when a task does.
    static func watch(port: Int, protocol name: String, telemetry: SelfTelemetry, interval: Duration = .seconds(1))
        async throws
    {
        var counted = current(port: port)
        while !Task.isCancelled {
            try await Task.sleep(for: interval)
            guard let now = current(port: port) else { continue }
            if let counted, now > counted {
                telemetry.refusedRequest(protocol: name, reason: "receive_buffer_full", count: now - counted)
            }
            counted = now
        }
    }

    /// The drops of the sockets bound to local `port`, summed over both tables; `nil` if neither can be read.
    static func current(port: Int) -> Int? {
        let contents = tables.compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }
        guard !contents.isEmpty else { return nil }
        return contents.reduce(0) { $0 + drops(in: $1, port: port) }
    }

    /// Sums the `drops` column of the rows of a `/proc/net/udp` table whose local address has `port`.
    /// A row: `sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref
    /// pointer drops`, the address as hex `ADDR:PORT`.
    static func drops(in table: String, port: Int) -> Int {
        var total = 0
        for row in table.split(separator: "\n").dropFirst() {
            let fields = row.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 13, let colon = fields[1].lastIndex(of: ":"),
                Int(fields[1][fields[1].index(after: colon)...], radix: 16) == port,
                let drops = Int(fields[fields.count - 1])
            else { continue }
            total += drops
        }
        return total
    }
}
