import CNATS
import Synchronization

/// One message fetched by a pull consumer: its payload, headers and stream sequence. Acknowledge it once it is
/// applied; until then the server redelivers it after the consumer's ack wait.
///
/// Owns its nats.c message and destroys it exactly once, in `deinit`.
public final class FetchedMessage: @unchecked Sendable {
    // Read-only after init.
    private let message: OpaquePointer
    private let connection: NATSConnection
    public let subject: String
    public let payload: [UInt8]
    /// The message's sequence in its stream (from the reply subject's metadata).
    public let streamSequence: UInt64
    /// How many times the server has delivered it (1 the first time).
    public let deliveries: UInt64
    /// Messages of the consumer's subject in the stream after this one, not yet delivered: its lag.
    public let pending: UInt64

    init(_ message: OpaquePointer, connection: NATSConnection) {
        self.message = message
        self.connection = connection
        subject = String(cString: natsMsg_GetSubject(message))
        let length = Int(natsMsg_GetDataLength(message))
        if length > 0, let data = natsMsg_GetData(message) {
            payload = Array(UnsafeRawBufferPointer(start: data, count: length))
        } else {
            payload = []
        }
        var metadata: UnsafeMutablePointer<jsMsgMetaData>?
        if natsMsg_GetMetaData(&metadata, message) == NATS_OK, let metadata {
            streamSequence = metadata.pointee.Sequence.Stream
            deliveries = metadata.pointee.NumDelivered
            pending = metadata.pointee.NumPending
            jsMsgMetaData_Destroy(metadata)
        } else {
            streamSequence = 0
            deliveries = 0
            pending = 0
        }
    }

    /// The value of a header, or nil.
    public func header(_ name: String) -> String? {
        var value: UnsafePointer<CChar>?
        guard natsMsgHeader_Get(message, name, &value) == NATS_OK, let value else { return nil }
        return String(cString: value)
    }

    /// Acknowledges it: the consumer will not deliver it again. Not confirmed by the server; a lost ack means one
    /// redelivery, which the applier's batch-ID de-duplication absorbs. (`+ACK` published to the reply subject, which
    /// names the message to the server: `natsMsg_Ack` needs nats.c's own pull subscription, see `PullConsumer`.)
    public func acknowledge() throws(NATSError) {
        let operation = "ack of stream sequence \(streamSequence)"
        guard let reply = natsMsg_GetReply(message) else {
            throw NATSError(operation, status: NATS_ILLEGAL_STATE, text: "the message has no reply subject", jetStreamCode: 0)
        }
        let status = try connection.borrow(operation) { natsConnection_PublishString($0, reply, "+ACK") }
        try NATSError.check(status, operation)
    }

    deinit { natsMsg_Destroy(message) }
}
