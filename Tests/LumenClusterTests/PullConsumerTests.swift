import CNATS
import Foundation
@testable import LumenCluster
import Testing

/// The pull consumer's own fetch loop and the safe end of subscriptions, against a real nats-server: the cases
/// nats.c 3.4.1 gets wrong (`PullConsumer`, `NATSConnection.retire`).
@Suite(.enabled(if: NATSServerProcess.isInstalled, NATSServerProcess.skipReason), .timeLimit(.minutes(1)))
struct PullConsumerTests {
    let configuration = StreamConfiguration(
        name: "PULL", subjects: ["p.0"], replicas: 1, maxAge: .seconds(3600), maxBytes: 64 << 20)

    /// Messages an earlier request delivered after its fetch ended (40, more than half of the next batch: what sent
    /// nats.c's fetch past the end of its array) come with the next fetch; every message arrives once, in order.
    @Test func messagesAnEarlierRequestDeliveredComeWithTheNextFetchEachOnce() async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        try jetStream.createOrReuseStream(configuration)
        for index in 0..<100 { #expect(await jetStream.publish(subject: "p.0", payload: [UInt8(index)]).isStored) }
        let consumer = try PullConsumer(
            jetStream: jetStream,
            configuration: ConsumerConfiguration(stream: "PULL", durableName: "early", filterSubject: "p.0"))
        defer { consumer.close() }

        try Self.request(consumer, reply: "earlier", body: "{\"batch\":40}")
        #expect(try await ClusterTestSupport.eventually { try Self.queued(consumer) == 40 })
        let first = try consumer.fetch(max: 64, maxWait: .seconds(2))
        #expect(first.count == 64)
        var received = first
        _ = try await ClusterTestSupport.eventually {
            received += try consumer.fetch(max: 64, maxWait: .milliseconds(300))
            return received.count >= 100
        }
        #expect(received.map(\.streamSequence) == Array(1...100))
        #expect(received.map(\.payload) == (0..<100).map { [UInt8($0)] })
        for message in received { try message.acknowledge() }
        #expect(try await ClusterTestSupport.eventually { try consumer.pending() == (0, 0) })
    }

    /// An earlier request's closing status (here a 404: nothing to deliver) neither ends a later fetch, nor counts
    /// as a message, nor is taken for the fetch's own (after which it would ask again and wait).
    @Test func anEarlierRequestsStatusDoesNotEndALaterFetch() async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        try jetStream.createOrReuseStream(configuration)
        let consumer = try PullConsumer(
            jetStream: jetStream,
            configuration: ConsumerConfiguration(stream: "PULL", durableName: "status", filterSubject: "p.0"))
        defer { consumer.close() }

        try Self.request(consumer, reply: "earlier", body: "{\"batch\":1,\"no_wait\":true}")
        #expect(try await ClusterTestSupport.eventually { try Self.queued(consumer) == 1 })
        for index in 0..<3 { #expect(await jetStream.publish(subject: "p.0", payload: [UInt8(index)]).isStored) }
        let started = ContinuousClock.now
        let fetched = try consumer.fetch(max: 10, maxWait: .seconds(10))
        #expect(fetched.map(\.streamSequence) == [1, 2, 3])
        // Answered by its own request, which did not wait: not after a second request's full wait.
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(try consumer.fetch(max: 10, maxWait: .milliseconds(100)).isEmpty)
    }

    /// Closing a consumer while the server is delivering to it, again and again, neither crashes (the subscription
    /// outlives the reader thread's last look at it) nor loses a message: what was delivered and never acknowledged
    /// comes again after the ack wait.
    @Test func closingWhileTheServerDeliversLosesNothing() async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        try jetStream.createOrReuseStream(configuration)
        let payload = [UInt8](repeating: 7, count: 4096)
        for _ in 0..<500 { #expect(await jetStream.publish(subject: "p.0", payload: payload).isStored) }
        let consumerConfiguration = ConsumerConfiguration(
            stream: "PULL", durableName: "closing", filterSubject: "p.0", ackWait: .milliseconds(500))
        for round in 0..<20 {
            let consumer = try PullConsumer(jetStream: jetStream, configuration: consumerConfiguration)
            try Self.request(consumer, reply: "r\(round)", body: "{\"batch\":500}")
            consumer.close()
        }
        let consumer = try PullConsumer(jetStream: jetStream, configuration: consumerConfiguration)
        defer { consumer.close() }
        var sequences = Set<UInt64>()
        _ = try await ClusterTestSupport.eventually(within: .seconds(20)) {
            for message in try consumer.fetch(max: 64, maxWait: .milliseconds(300)) {
                sequences.insert(message.streamSequence)
                try message.acknowledge()
            }
            return sequences.count == 500
        }
        #expect(sequences == Set(1...500))
    }

    /// The bucket's entries as the server holds them, for when its view is not current: a deleted key is left out.
    @Test func entriesFromTheServerLeaveDeletedKeysOut() async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        let bucket = try KeyValueBucket(jetStream: jetStream, name: "listing", ttl: nil, replicas: 1)
        defer { bucket.close() }
        try bucket.put("a", value: [1])
        try bucket.put("b", value: [2])
        try bucket.put("c", value: [3])
        try bucket.delete("b")
        let entries = try bucket.entriesFromServer().sorted { $0.key < $1.key }
        #expect(entries.map(\.key) == ["a", "c"])
        #expect(entries.map(\.value) == [[1], [3]])
        #expect(try bucket.keys().sorted() == ["a", "c"])
    }

    /// Publishes a pull request of the test's own to the consumer, answered on the consumer's inbox.
    private static func request(_ consumer: PullConsumer, reply: String, body: String) throws {
        let subject = "$JS.API.CONSUMER.MSG.NEXT.\(consumer.configuration.stream).\(consumer.configuration.durableName)"
        let status = try consumer.jetStream.connection.borrow("pull request") {
            natsConnection_PublishRequestString($0, subject, consumer.inbox + "." + reply, body)
        }
        try NATSError.check(status, "pull request")
    }

    /// Messages (and statuses) waiting on the consumer's subscription.
    private static func queued(_ consumer: PullConsumer) throws -> Int {
        try consumer.handle.borrow("pending") { subscription in
            var count: Int32 = 0
            natsSubscription_GetPending(subscription, &count, nil)
            return Int(count)
        }
    }
}
