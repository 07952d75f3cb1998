import CNATS

extension JetStream {
    /// A durable consumer's messages not delivered yet, and those delivered but not acknowledged, from any
    /// thread (a consumer's info is a request; its subscription need not be here). Blocks.
    public func pending(stream: String, consumer: String) throws(NATSError) -> (undelivered: UInt64, unacknowledged: Int64) {
        var info: UnsafeMutablePointer<jsConsumerInfo>?
        var code = jsErrCode(rawValue: 0)
        let status = try withContext("consumer info") { js_GetConsumerInfo(&info, $0, stream, consumer, nil, &code) }
        try NATSError.check(status, "consumer info \(consumer)", jetStreamCode: code)
        defer { jsConsumerInfo_Destroy(info) }
        return (info!.pointee.NumPending, info!.pointee.NumAckPending)
    }
}
