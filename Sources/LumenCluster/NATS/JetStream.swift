import CNATS

/// A JetStream context on one connection: streams, asynchronous publishes with a callback per message, and the
/// context that pull consumers and Key-Value buckets are made from.
///
/// Contract: stream management and `close` block (request/reply to the server), so call them off Swift's
/// cooperative pool. `publish` only queues the message (it waits at most `stallWait` when `maxPendingPublishes`
/// are already in flight). The context and the connection are destroyed exactly once, by `close` or `deinit`, and
/// only once the calls on them have returned (`OwnedHandle`).
public final class JetStream: Sendable {
    public let connection: NATSConnection
    private let handle: OwnedHandle
    private let acks = PublishAcks()
    private let acksReference: Unmanaged<PublishAcks>

    /// - Parameters:
    ///   - apiTimeout: how long a JetStream API request (stream info, consumer create, KV operation) may take.
    ///   - maxPendingPublishes: asynchronous publishes in flight before `publish` stalls.
    public init(
        connection: NATSConnection, apiTimeout: Duration = .seconds(5), maxPendingPublishes: Int = 4096,
        stallWait: Duration = .milliseconds(200)
    ) throws(NATSError) {
        self.connection = connection
        acksReference = Unmanaged.passRetained(acks)
        var options = jsOptions()
        jsOptions_Init(&options)
        options.Wait = apiTimeout.milliseconds
        options.PublishAsync.MaxPending = Int64(maxPendingPublishes)
        options.PublishAsync.AckHandler = publishAckHandler
        options.PublishAsync.AckHandlerClosure = acksReference.toOpaque()
        options.PublishAsync.StallWait = stallWait.milliseconds
        do throws(NATSError) {
            let context = try connection.borrow("natsConnection_JetStream") { connection throws(NATSError) in
                var context: OpaquePointer?
                let status = natsConnection_JetStream(&context, connection, &options)
                try NATSError.check(status, "natsConnection_JetStream")
                return context
            }
            handle = OwnedHandle(context)
        } catch {
            acksReference.release()
            throw error
        }
    }

    /// Runs `body` with the nats.c context, which is not destroyed before it returns; throws once closed.
    func withContext<T>(
        _ operation: @autoclosure () -> String, _ body: (OpaquePointer) throws(NATSError) -> T
    ) throws(NATSError) -> T {
        try handle.borrow(operation(), body)
    }

    /// Publishes asynchronously; `completion` runs once, on a nats.c thread, with the acknowledgement or the
    /// failure. Throws only when the message could not even be queued (then `completion` never runs).
    ///
    /// Never sets `Nats-Msg-Id`: JetStream 2.9's de-duplication window lost acknowledged messages after a replica
    /// restart (docs/cluster.md); callers put an ID of their own in `headers` and de-duplicate when applying.
    public func publish(
        subject: String, payload: [UInt8], headers: [(name: String, value: String)] = [],
        timeout: Duration = .seconds(5), completion: @escaping @Sendable (PublishOutcome) -> Void
    ) throws(NATSError) {
        try withContext("publish to \(subject)") { context throws(NATSError) in
            let message = try Self.message(subject: subject, payload: payload, headers: headers)
            var options = jsPubOptions()
            jsPubOptions_Init(&options)
            options.MaxWait = timeout.milliseconds
            acks.register(message, completion)
            var queued: OpaquePointer? = message
            let status = js_PublishMsgAsync(context, &queued, &options)
            guard status == NATS_OK else {
                let error = NATSError("publish to \(subject)", status: status)
                // Not queued: the message is still ours, and no callback will come for it.
                acks.remove(message)
                natsMsg_Destroy(message)
                throw error
            }
        }
    }

    /// Publishes asynchronously and waits for the outcome without blocking a thread.
    public func publish(
        subject: String, payload: [UInt8], headers: [(name: String, value: String)] = [],
        timeout: Duration = .seconds(5)
    ) async -> PublishOutcome {
        await withCheckedContinuation { continuation in
            do throws(NATSError) {
                try publish(subject: subject, payload: payload, headers: headers, timeout: timeout) {
                    continuation.resume(returning: $0)
                }
            } catch {
                continuation.resume(returning: error.isTimeout ? .unknown(error) : .notStored(error))
            }
        }
    }

    /// Publishes and waits for the acknowledgement: the message's stream sequence. A refusal by an expectation header
    /// is thrown with its JetStream code (e.g. 10071, wrong last sequence). Blocks.
    public func publishAndWait(
        subject: String, payload: [UInt8], headers: [(name: String, value: String)] = [],
        timeout: Duration = .seconds(5)
    ) throws(NATSError) -> UInt64 {
        let message = try Self.message(subject: subject, payload: payload, headers: headers)
        defer { natsMsg_Destroy(message) }
        var options = jsPubOptions()
        jsPubOptions_Init(&options)
        options.MaxWait = timeout.milliseconds
        var ack: UnsafeMutablePointer<jsPubAck>?
        var code = jsErrCode(rawValue: 0)
        let status = try withContext("publish to \(subject)") { js_PublishMsg(&ack, $0, message, &options, &code) }
        try NATSError.check(status, "publish to \(subject)", jetStreamCode: code)
        defer { jsPubAck_Destroy(ack) }
        return ack!.pointee.Sequence
    }

    /// A message with `headers`, owned by the caller.
    private static func message(
        subject: String, payload: [UInt8], headers: [(name: String, value: String)]
    ) throws(NATSError) -> OpaquePointer {
        var message: OpaquePointer?
        let created = payload.withUnsafeBytes { bytes in
            natsMsg_Create(&message, subject, nil, bytes.baseAddress?.assumingMemoryBound(to: CChar.self),
                Int32(bytes.count))
        }
        try NATSError.check(created, "natsMsg_Create for \(subject)")
        guard let message else { throw NATSError("natsMsg_Create", status: NATS_NO_MEMORY) }
        for header in headers {
            let status = natsMsgHeader_Set(message, header.name, header.value)
            guard status == NATS_OK else {
                let error = NATSError("natsMsgHeader_Set \(header.name)", status: status)
                natsMsg_Destroy(message)
                throw error
            }
        }
        return message
    }

    /// Publishes still awaiting their acknowledgement.
    public var pendingPublishes: Int { acks.count }

    /// Waits up to `timeout` for the pending publishes, then destroys the context and closes the connection.
    /// Later calls do nothing.
    public func close(timeout: Duration = .seconds(2)) {
        guard let context = handle.take() else { return }
        var options = jsPubOptions()
        jsPubOptions_Init(&options)
        options.MaxWait = timeout.milliseconds
        _ = js_PublishAsyncComplete(context, &options)
        // Destroying the context destroys its subscription for acknowledgements: only once the connection's reader
        // is gone (`NATSConnection.retire` says why).
        let address = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(context)))
        connection.destroyAfterClose { jsCtx_Destroy(OpaquePointer(bitPattern: address)) }
        // After the connection is closed no ack handler runs any more, so the handler's object may go.
        connection.close()
        acks.failAll(.closed("publish", "the connection closed before its acknowledgement"))
        acksReference.release()
    }

    deinit { close(timeout: .milliseconds(1)) }
}
