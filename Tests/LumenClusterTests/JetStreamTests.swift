import Foundation
import LumenCluster
import Testing

/// nats.c through the wrapper against a real nats-server with JetStream on loopback.
@Suite(.enabled(if: NATSServerProcess.isInstalled, NATSServerProcess.skipReason), .timeLimit(.minutes(1)))
struct JetStreamTests {
    let configuration = StreamConfiguration(
        name: "TEST", subjects: ["t.0", "t.1"], replicas: 1, maxAge: .seconds(3600), maxBytes: 64 << 20)

    @Test func publishedMessagesAreAcknowledgedFetchedInOrderAndAcknowledgedOnce() async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        let created = try jetStream.createOrReuseStream(configuration)
        #expect(created.messages == 0 && created.replicas == 1)

        var sequences: [UInt64] = []
        for index in 0..<20 {
            let outcome = await jetStream.publish(
                subject: "t.1", payload: Array("message \(index)".utf8), headers: [("Lumen-Batch-Id", "b\(index)")])
            guard case .stored(let stream, let sequence) = outcome else {
                Issue.record("not stored: \(outcome)")
                return
            }
            #expect(stream == "TEST")
            sequences.append(sequence)
        }
        #expect(sequences == Array(1...20))
        #expect(jetStream.pendingPublishes == 0)

        let consumer = try PullConsumer(
            jetStream: jetStream,
            configuration: ConsumerConfiguration(stream: "TEST", durableName: "c1", filterSubject: "t.1", startSequence: 6))
        defer { consumer.close() }
        var received: [FetchedMessage] = []
        _ = try await ClusterTestSupport.eventually {
            received += try consumer.fetch(max: 10, maxWait: .milliseconds(200))
            return received.count >= 15
        }
        #expect(received.map(\.streamSequence) == Array(6...20))
        #expect(received.map { String(decoding: $0.payload, as: UTF8.self) } == (5..<20).map { "message \($0)" })
        #expect(received.map { $0.header("Lumen-Batch-Id") } == (5..<20).map { "b\($0)" })
        #expect(received.allSatisfy { $0.subject == "t.1" && $0.deliveries == 1 })
        for message in received { try message.acknowledge() }
        #expect(try consumer.fetch(max: 10, maxWait: .milliseconds(100)).isEmpty)
        #expect(try await ClusterTestSupport.eventually { try consumer.pending() == (0, 0) })
    }

    @Test func anUnacknowledgedMessageIsDeliveredAgainAfterTheAckWait() async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        defer { jetStream.close() }
        try jetStream.createOrReuseStream(configuration)
        #expect(await jetStream.publish(subject: "t.0", payload: [1, 2, 3]).isStored)
        let consumer = try PullConsumer(
            jetStream: jetStream,
            configuration: ConsumerConfiguration(
                stream: "TEST", durableName: "slow", filterSubject: "t.0", ackWait: .milliseconds(300)))
        defer { consumer.close() }
        let first = try consumer.fetch(max: 1, maxWait: .seconds(2))
        #expect(first.map(\.payload) == [[1, 2, 3]])
        var again: [FetchedMessage] = []
        _ = try await ClusterTestSupport.eventually(within: .seconds(5)) {
            again = try consumer.fetch(max: 1, maxWait: .milliseconds(200))
            return !again.isEmpty
        }
        #expect(again.map(\.streamSequence) == [1])
        #expect(again.first?.deliveries == 2)
    }

    @Test func aStreamIsReusedAfterTheServerRestartsNeverRecreated() async throws {
        let server = try NATSServerProcess()
        do {
            let jetStream = try ClusterTestSupport.jetStream([server.url])
            defer { jetStream.close() }
            let created = try jetStream.createOrReuseStream(configuration)
            for index in 0..<3 {
                #expect(await jetStream.publish(subject: "t.0", payload: [UInt8(index)]).isStored)
            }
            #expect(try jetStream.streamState("TEST")?.messages == 3)
            server.stop(kill: true)
            try server.start()
            // The same connection reconnects by itself; the stream and its messages are the ones from before.
            var state: StreamState?
            _ = await ClusterTestSupport.eventually(within: .seconds(15)) {
                state = try? jetStream.createOrReuseStream(configuration)
                return state != nil
            }
            let reused = try #require(state)
            #expect(reused.created == created.created)
            #expect(reused.messages == 3 && reused.lastSequence == 3)
            // A changed limit is updated in place, still the same stream.
            var bigger = configuration
            bigger.maxBytes = 128 << 20
            let updated = try jetStream.createOrReuseStream(bigger)
            #expect(updated.created == created.created && updated.messages == 3)
        }
    }

    @Test func closingTwiceAndPublishingAfterCloseAreHarmless() async throws {
        let server = try NATSServerProcess()
        let jetStream = try ClusterTestSupport.jetStream([server.url])
        jetStream.close()
        jetStream.close()
        #expect(throws: NATSError.self) {
            try jetStream.publish(subject: "t.0", payload: []) { _ in }
        }
        #expect(!jetStream.connection.isConnected)
    }

    /// A node shuts down while its lease ticks, appliers and queries still call nats.c on other threads: `close`
    /// waits for the calls in progress and every later one fails as closed. Destroying the context under a call
    /// crashed the test process (a request locking freed memory, CI at 3e846bc). Nothing here waits on time.
    @Test func closingWhileOtherThreadsCallWaitsForTheirCallsAndRefusesTheNext() async throws {
        let server = try NATSServerProcess()
        for round in 0..<10 {
            let jetStream = try ClusterTestSupport.jetStream([server.url])
            let bucket = try KeyValueBucket(jetStream: jetStream, name: "closing\(round)", ttl: nil, replicas: 1)
            try bucket.put("k", value: [0])
            let stream = "KV_closing\(round)"
            // Each caller signals once it has made a call, so the close comes while all four are calling, however
            // slowly a loaded machine schedules them.
            let calling = DispatchSemaphore(value: 0)
            let outcomes = await withTaskGroup(of: (calls: Int, error: NATSError).self) { group in
                for caller in 0..<4 {
                    group.addTask {
                        await ClusterTestSupport.offPool { () -> (calls: Int, error: NATSError) in
                            var calls = 0
                            while true {
                                do throws(NATSError) {
                                    if caller % 2 == 0 {
                                        let revision = try bucket.get("k")?.revision ?? 0
                                        _ = try bucket.update("k", value: [UInt8(caller)], expectedRevision: revision)
                                        _ = try bucket.keys()
                                    } else {
                                        _ = try jetStream.streamState(stream)
                                    }
                                    calls += 1
                                    if calls == 1 { calling.signal() }
                                } catch {
                                    if calls == 0 { calling.signal() }
                                    return (calls, error)
                                }
                            }
                        }
                    }
                }
                await ClusterTestSupport.offPool {  // waits for the calls in progress, in either order
                    for _ in 0..<4 { calling.wait() }
                    if round % 2 == 0 {
                        bucket.close()
                        jetStream.close()
                    } else {
                        jetStream.close()
                        bucket.close()
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            for outcome in outcomes {
                #expect(outcome.error.isClosed && outcome.calls > 0, "round \(round): \(outcome)")
            }
        }
    }

    @Test func connectingWhereNoServerListensFailsClearly() {
        #expect(throws: NATSError.self) {
            _ = try NATSConnection(urls: ["nats://127.0.0.1:1"], name: "nobody", connectTimeout: .milliseconds(200))
        }
    }
}
