import CNATS
import Foundation
import LumenModel

/// One client connection to a NATS cluster, given several server URLs; it reconnects by itself, forever, to any
/// of them (and to servers the cluster announces), buffering what is published while disconnected.
///
/// Contract: `init` blocks until connected (or fails), so call it off Swift's cooperative pool. `close` destroys
/// the nats.c connection exactly once; `deinit` closes a connection that was not closed.
public final class NATSConnection: Sendable {
    public let urls: [String]
    private let handle: OwnedHandle

    /// - Parameters:
    ///   - urls: `nats://host:port` each.
    ///   - name: shown by the server's monitoring (`/connz`), e.g. the node's name.
    public init(
        urls: [String], name: String, connectTimeout: Duration = .seconds(2), reconnectWait: Duration = .milliseconds(250)
    ) throws(NATSError) {
        guard lumen_nats_check_compatibility() else {
            throw NATSError("nats_CheckCompatibility", status: NATS_ERR,
                text: "the nats.c library (\(String(cString: nats_GetVersion()))) does not match its headers",
                jetStreamCode: 0)
        }
        self.urls = urls
        var options: OpaquePointer?
        try NATSError.check(natsOptions_Create(&options), "natsOptions_Create")
        defer { natsOptions_Destroy(options) }
        var cStrings = urls.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        let status = cStrings.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) {
                natsOptions_SetServers(options, $0, Int32(buffer.count))
            }
        }
        try NATSError.check(status, "natsOptions_SetServers \(urls)")
        try NATSError.check(natsOptions_SetName(options, name), "natsOptions_SetName")
        try NATSError.check(natsOptions_SetTimeout(options, connectTimeout.milliseconds), "natsOptions_SetTimeout")
        try NATSError.check(natsOptions_SetMaxReconnect(options, -1), "natsOptions_SetMaxReconnect")
        try NATSError.check(
            natsOptions_SetReconnectWait(options, reconnectWait.milliseconds), "natsOptions_SetReconnectWait")
        var connection: OpaquePointer?
        try NATSError.check(natsConnection_Connect(&connection, options), "connecting to \(urls.joined(separator: ","))")
        handle = OwnedHandle(connection)
    }

    /// Runs `body` with the nats.c connection, which is not destroyed before it returns; throws once closed.
    func borrow<T>(
        _ operation: @autoclosure () -> String, _ body: (OpaquePointer) throws(NATSError) -> T
    ) throws(NATSError) -> T {
        try handle.borrow(operation(), body)
    }

    public var isConnected: Bool {
        (try? borrow("status") { natsConnection_Status($0) == NATS_CONN_STATUS_CONNECTED }) ?? false
    }

    /// Closes and destroys the connection once the calls on it have returned; later calls do nothing.
    public func close() {
        guard let connection = handle.take() else { return }
        natsConnection_Close(connection)
        natsConnection_Destroy(connection)
    }

    deinit { close() }
}

extension Duration {
    /// Whole milliseconds, as nats.c's timeouts take them (JetStream's durations, MaxAge, AckWait, TTL, take
    /// nanoseconds: `nanoseconds`).
    var milliseconds: Int64 { nanoseconds / 1_000_000 }
}
