import CNATS

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

/// A durable pull consumer and its subscription.
///
/// Contract: `init` and `fetch` block (`fetch` up to `maxWait`), so run them on a dedicated thread, never on Swift's
/// cooperative pool; one thread fetches at a time. The subscription is destroyed exactly once (`close` or `deinit`);
/// the durable consumer stays on the server until `delete`.
public final class PullConsumer: Sendable {
    public let configuration: ConsumerConfiguration
    private let jetStream: JetStream
    private let handle: OwnedHandle

    /// Creates the durable consumer if it does not exist (an existing one is bound as it is: its position is the
    /// server's), then subscribes to it.
    public init(jetStream: JetStream, configuration: ConsumerConfiguration) throws(NATSError) {
        self.jetStream = jetStream
        self.configuration = configuration
        let subscription = try jetStream.withContext("consumer \(configuration.durableName)") {
            context throws(NATSError) in try Self.subscribe(context, configuration)
        }
        handle = OwnedHandle(subscription)
    }

    /// Creates the durable consumer unless it exists, and subscribes to it: the subscription.
    private static func subscribe(
        _ context: OpaquePointer, _ configuration: ConsumerConfiguration
    ) throws(NATSError) -> OpaquePointer? {
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
        var options = jsSubOptions()
        jsSubOptions_Init(&options)
        options.Stream = strings.copy(configuration.stream)
        options.Consumer = strings.copy(configuration.durableName)
        options.ManualAck = true
        var subscription: OpaquePointer?
        code = jsErrCode(rawValue: 0)
        status = js_PullSubscribe(
            &subscription, context, configuration.filterSubject, configuration.durableName, nil, &options, &code)
        try NATSError.check(status, "subscribe to consumer \(configuration.durableName)", jetStreamCode: code)
        return subscription
    }

    /// Up to `max` messages, waiting at most `maxWait` for the first; [] when none came. Blocks.
    public func fetch(max: Int, maxWait: Duration) throws(NATSError) -> [FetchedMessage] {
        var list = natsMsgList()
        var code = jsErrCode(rawValue: 0)
        let status = try handle.borrow("fetch from \(configuration.durableName)") {
            natsSubscription_Fetch(&list, $0, Int32(max), maxWait.milliseconds, &code)
        }
        defer { natsMsgList_Destroy(&list) }
        var messages: [FetchedMessage] = []
        for index in 0..<Int(list.Count) {
            guard let message = list.Msgs[index] else { continue }
            list.Msgs[index] = nil  // ours now: the list's destroy skips it
            messages.append(FetchedMessage(message))
        }
        if status == NATS_OK || status == NATS_TIMEOUT || !messages.isEmpty { return messages }
        throw NATSError("fetch from \(configuration.durableName)", status: status, jetStreamCode: code)
    }

    /// Messages the consumer has not delivered yet, and those delivered but not acknowledged. Blocks.
    public func pending() throws(NATSError) -> (undelivered: UInt64, unacknowledged: Int64) {
        try jetStream.pending(stream: configuration.stream, consumer: configuration.durableName)
    }

    /// Destroys the subscription (the durable consumer stays). Later calls do nothing.
    public func close() {
        guard let subscription = handle.take() else { return }
        natsSubscription_Destroy(subscription)
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
