import CNATS
import Foundation
import LumenModel
import Synchronization

/// One client connection to a NATS cluster, given several server URLs; it reconnects by itself, forever, to any
/// of them (and to servers the cluster announces), buffering what is published while disconnected.
///
/// Contract: `init` blocks until connected (or fails), so call it off Swift's cooperative pool. `close` destroys
/// the nats.c connection exactly once; `deinit` closes a connection that was not closed.
public final class NATSConnection: Sendable {
    public let urls: [String]
    private let handle: OwnedHandle
    /// What may only be destroyed once the reader thread is gone (`destroyAfterClose`): run by `close`.
    private let retired = Mutex<(destroys: [@Sendable () -> Void], closed: Bool)>(([], false))

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

    /// Ends a subscription without racing nats.c's reader thread, which (in 3.4.1) looks up a message's
    /// subscription and then locks it without holding a reference: a subscription destroyed in between is locked
    /// after it is freed, and glibc aborts the process (`e != ESRCH || !robust`; fixed upstream in nats.c 3.6.1,
    /// issue 637). So `unsubscribe` first (messages read afterwards find no subscription), then a flush (the server's
    /// PONG comes after everything it sent before the UNSUB, so once the reader has read it, it holds no pointer to
    /// the subscription), and only then `destroy`. Without a flush (disconnected, timed out), `destroy` waits for
    /// `close`, which joins the reader.
    func retire(unsubscribe: () -> Void, destroy: @escaping @Sendable () -> Void) {
        let flushed = try? borrow("retire a subscription") { connection in
            unsubscribe()
            return natsConnection_FlushTimeout(connection, Self.retireFlushTimeout.milliseconds) == NATS_OK
        }
        if flushed == true { return destroy() }
        destroyAfterClose(destroy)
    }

    /// Runs `destroy` once the connection is closed and its reader thread joined: at `close`, or now if it was.
    func destroyAfterClose(_ destroy: @escaping @Sendable () -> Void) {
        let now = retired.withLock { retired in
            if !retired.closed { retired.destroys.append(destroy) }
            return retired.closed
        }
        if now { destroy() }
    }

    static let retireFlushTimeout = Duration.seconds(1)

    /// Closes and destroys the connection once the calls on it have returned; later calls do nothing.
    public func close() {
        guard let connection = handle.take() else { return }
        natsConnection_Close(connection)  // joins the reader thread
        let destroys = retired.withLock { retired in
            retired.closed = true
            return retired.destroys
        }
        destroys.forEach { $0() }
        natsConnection_Destroy(connection)
    }

    deinit { close() }
}

extension Duration {
    /// Whole milliseconds, as nats.c's timeouts take them (JetStream's durations, MaxAge, AckWait, TTL, take
    /// nanoseconds: `nanoseconds`).
    var milliseconds: Int64 { nanoseconds / 1_000_000 }
}
