import CNATS

extension PullConsumer {
    /// Up to `max` messages; [] when none came within `maxWait`. Blocks.
    ///
    /// Like nats.c's `natsSubscription_Fetch`: what is already queued comes first; then a request that does not
    /// wait returns what the consumer has now; only when that is nothing does a second request wait, until `max`
    /// messages came or the server ends it at `maxWait` (asked for 10 ms less, so its 408 comes before the deadline).
    public func fetch(max: Int, maxWait: Duration) throws(NATSError) -> [FetchedMessage] {
        try handle.borrow("fetch from \(configuration.durableName)") { subscription throws(NATSError) in
            let deadline = ContinuousClock.now + maxWait
            var messages: [FetchedMessage] = []
            var request = try sendRequest(batch: max, waiting: nil)
            var waits = false
            while messages.count < max {
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else { break }
                var next: OpaquePointer?
                let status = natsSubscription_NextMsg(&next, subscription, Swift.max(1, remaining.milliseconds))
                if status == NATS_TIMEOUT { break }
                if status == NATS_NO_RESPONDERS, !messages.isEmpty { break }
                try NATSError.check(status, "fetch from \(configuration.durableName)")
                guard let next else { continue }
                guard let reply = PullReply(next) else {
                    messages.append(FetchedMessage(next, connection: jetStream.connection))
                    continue
                }
                natsMsg_Destroy(next)
                guard reply.subject == request, !reply.isHeartbeat else { continue }  // an earlier request's end
                if reply.isEmpty && messages.isEmpty && !waits {
                    let waiting = deadline - ContinuousClock.now
                    guard waiting > .milliseconds(1) else { break }
                    request = try sendRequest(batch: max, waiting: waiting)
                    waits = true
                    continue
                }
                if reply.endsRequest || !messages.isEmpty { break }
                throw NATSError(
                    "fetch from \(configuration.durableName)", status: NATS_ERR,
                    text: "\(reply.code) \(reply.text)", jetStreamCode: 0)
            }
            return messages
        }
    }

    /// Publishes a pull request for `batch` messages: waiting up to `waiting` (less 10 ms), or not at all when nil.
    /// Returns its reply subject.
    private func sendRequest(batch: Int, waiting: Duration?) throws(NATSError) -> String {
        let number = requests.add(1, ordering: .relaxed).newValue
        let reply = inbox + ".\(number)"
        var body = "{\"batch\":\(batch)"
        if let waiting {
            let expires = waiting >= .milliseconds(20) ? waiting - .milliseconds(10) : waiting
            body += ",\"expires\":\(expires.nanoseconds)}"
        } else {
            body += ",\"no_wait\":true}"
        }
        let subject = "$JS.API.CONSUMER.MSG.NEXT.\(configuration.stream).\(configuration.durableName)"
        let status = try jetStream.connection.borrow("pull request to \(subject)") {
            natsConnection_PublishRequestString($0, subject, reply, body)
        }
        try NATSError.check(status, "pull request to \(subject)")
        return reply
    }
}

/// A status the server sent to a pull request's reply subject instead of a message: headers only, the first a
/// code (`NATS/1.0 408 Request Timeout`), which nats.c files under `Status` and `Description`.
struct PullReply {
    let subject: String
    let code: String
    let text: String

    /// nil for a message of the stream.
    init?(_ message: OpaquePointer) {
        guard natsMsg_GetDataLength(message) == 0 else { return nil }
        var status: UnsafePointer<CChar>?
        guard natsMsgHeader_Get(message, "Status", &status) == NATS_OK, let status else { return nil }
        var description: UnsafePointer<CChar>?
        _ = natsMsgHeader_Get(message, "Description", &description)
        subject = String(cString: natsMsg_GetSubject(message))
        code = String(cString: status)
        text = description.map { String(cString: $0) } ?? ""
    }

    /// 100: an idle heartbeat or flow control, not an answer.
    var isHeartbeat: Bool { code == "100" }
    /// 404: a request that does not wait found no message.
    var isEmpty: Bool { code == "404" }
    /// 404 or 408: the request is over (nothing more, or it expired); anything else (409: too many waiting
    /// requests, the consumer deleted) is a failure.
    var endsRequest: Bool { code == "404" || code == "408" }
}
