import CNATS
import Synchronization

/// What a durable pull consumer reads: one subject of one stream, from a given stream sequence on, with explicit
/// acknowledgements.
public struct ConsumerConfiguration: Sendable {
    public var stream: String
    /// The durable name; Lumen's are per partition and epoch (`p7-e1234`), so a new owner never inherits the ack
    /// floor of an old one.
    public var durableName: String
    public var filterSubject: String
    /// The first stream sequence to deliver (1 = the start of the stream).
    public var startSequence: UInt64
    /// How long an unacknowledged message waits before it is delivered again.
    public var ackWait: Duration
    public var maxAckPending: Int

    public init(
        stream: String, durableName: String, filterSubject: String, startSequence: UInt64 = 1,
        ackWait: Duration = .seconds(30), maxAckPending: Int = 1024
    ) {
        self.stream = stream
        self.durableName = durableName
        self.filterSubject = filterSubject
        self.startSequence = startSequence
        self.ackWait = ackWait
        self.maxAckPending = maxAckPending
    }
}

/// A durable pull consumer, read through a plain subscription on an inbox of its own: each `fetch` is one pull
/// request (two when the first finds nothing), with a reply subject of its own.
///
/// Why not nats.c's pull subscription: its `natsSubscription_Fetch` (3.4.1, Debian's) mishandles messages an earlier
/// request delivered after its fetch returned. It takes them first, shrinks the new request by their count but
/// keeps waiting for the original count, and stores every message past the batch beyond the end of its array: a
/// heap overflow (fixed upstream in nats.c 3.9.0, pull request 749). Here a message delivered for an earlier request
/// is simply a message of this fetch, and an earlier request's closing status (404, 408) is told apart by its
/// subject and ignored.
///
/// Contract: `init` and `fetch` block (`fetch` up to `maxWait`), so run them on a dedicated thread, never on Swift's
/// cooperative pool; one thread fetches at a time. The subscription is ended exactly once (`close` or `deinit`,
/// through `NATSConnection.retire`); the durable consumer stays on the server until `delete`.
public final class PullConsumer: Sendable {
    public let configuration: ConsumerConfiguration
    let jetStream: JetStream
    let handle: OwnedHandle
    /// The inbox each request's reply subject extends (`<inbox>.<request number>`).
    let inbox: String
    let requests = Atomic<Int>(0)

    /// Creates the durable consumer if it does not exist (an existing one is bound as it is: its position is the
    /// server's), then subscribes to its inbox.
    public init(jetStream: JetStream, configuration: ConsumerConfiguration) throws(NATSError) {
        self.jetStream = jetStream
        self.configuration = configuration
        try jetStream.withContext("consumer \(configuration.durableName)") { context throws(NATSError) in
            try Self.createUnlessExists(context, configuration)
        }
        inbox = try Self.newInbox()
        let subject = inbox + ".*"
        let subscription = try jetStream.connection.borrow("subscribe to \(subject)") {
            connection throws(NATSError) -> OpaquePointer? in
            var subscription: OpaquePointer?
            try NATSError.check(
                natsConnection_SubscribeSync(&subscription, connection, subject), "subscribe to \(subject)")
            // The server bounds what it delivers (the batches asked for, the consumer's max ack pending); a
            // message the library dropped over its own limits would only come back after the ack wait.
            natsSubscription_SetPendingLimits(subscription, -1, -1)
            return subscription
        }
        handle = OwnedHandle(subscription)
    }

    private static func newInbox() throws(NATSError) -> String {
        var inbox: UnsafeMutablePointer<natsInbox>?
        try NATSError.check(natsInbox_Create(&inbox), "natsInbox_Create")
        defer { natsInbox_Destroy(inbox) }
        return String(cString: UnsafeRawPointer(inbox!).assumingMemoryBound(to: CChar.self))
    }

    /// Creates the durable consumer unless it exists.
    private static func createUnlessExists(
        _ context: OpaquePointer, _ configuration: ConsumerConfiguration
    ) throws(NATSError) {
        let strings = CStrings()
        var consumerInfo: UnsafeMutablePointer<jsConsumerInfo>?
        var code = jsErrCode(rawValue: 0)
        var status = js_GetConsumerInfo(
            &consumerInfo, context, configuration.stream, configuration.durableName, nil, &code)
        if status == NATS_OK {
            jsConsumerInfo_Destroy(consumerInfo)
        } else if status == NATS_NOT_FOUND || code.rawValue == 10014 {
            var config = jsConsumerConfig()
            jsConsumerConfig_Init(&config)
            config.Durable = strings.copy(configuration.durableName)
            config.FilterSubject = strings.copy(configuration.filterSubject)
            config.AckPolicy = js_AckExplicit
            config.AckWait = configuration.ackWait.nanoseconds
            config.MaxAckPending = Int64(configuration.maxAckPending)
            config.DeliverPolicy = configuration.startSequence > 1 ? js_DeliverByStartSequence : js_DeliverAll
            if configuration.startSequence > 1 { config.OptStartSeq = configuration.startSequence }
            code = jsErrCode(rawValue: 0)
            status = js_AddConsumer(&consumerInfo, context, configuration.stream, &config, nil, &code)
            try NATSError.check(status, "create consumer \(configuration.durableName)", jetStreamCode: code)
            jsConsumerInfo_Destroy(consumerInfo)
        } else {
            throw NATSError("consumer info \(configuration.durableName)", status: status, jetStreamCode: code)
        }
    }

    /// Messages the consumer has not delivered yet, and those delivered but not acknowledged. Blocks.
    public func pending() throws(NATSError) -> (undelivered: UInt64, unacknowledged: Int64) {
        try jetStream.pending(stream: configuration.stream, consumer: configuration.durableName)
    }

    /// Ends the subscription (the durable consumer stays). Later calls do nothing.
    public func close() {
        guard let subscription = handle.take() else { return }
        let address = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(subscription)))
        jetStream.connection.retire(
            unsubscribe: { _ = natsSubscription_Unsubscribe(subscription) },
            destroy: { natsSubscription_Destroy(OpaquePointer(bitPattern: address)) })
    }

    /// Closes, then removes the durable consumer from the server (an old epoch's, once its partition moved on).
    public func delete() throws(NATSError) {
        close()
        var code = jsErrCode(rawValue: 0)
        let status = try jetStream.withContext("delete consumer") {
            js_DeleteConsumer($0, configuration.stream, configuration.durableName, nil, &code)
        }
        try NATSError.check(status, "delete consumer \(configuration.durableName)", jetStreamCode: code)
    }

    deinit { close() }
}
