import Foundation
import LumenCluster
import Testing

/// Three nats-servers in a JetStream cluster on loopback (route ports from this suite's block, 21690–21692).
@Suite(.enabled(if: NATSServerProcess.isInstalled, NATSServerProcess.skipReason), .timeLimit(.minutes(1)))
struct ReplicatedStreamTests {
    @Test func anR3StreamAcknowledgesAndIsReadFromAnyServer() async throws {
        let routePorts = [21690, 21691, 21692]
        let routes = routePorts.map { "nats://127.0.0.1:\($0)" }
        let servers = try routePorts.enumerated().map { index, port in
            try NATSServerProcess(name: "n\(index)", cluster: (port, routes.filter { !$0.hasSuffix(String(port)) }))
        }
        let urls = servers.map(\.url)
        let jetStream = try ClusterTestSupport.jetStream(urls)
        defer { jetStream.close() }
        let configuration = StreamConfiguration(
            name: "R3", subjects: ["r.>"], replicas: StreamConfiguration.replicas(forServers: urls.count),
            maxAge: .seconds(3600), maxBytes: 64 << 20)
        // JetStream needs its meta leader elected first.
        var state: StreamState?
        _ = await ClusterTestSupport.eventually(within: .seconds(20)) {
            state = try? jetStream.createOrReuseStream(configuration)
            return state != nil
        }
        #expect(try #require(state).replicas == 3)
        for index in 0..<10 {
            var outcome = await jetStream.publish(subject: "r.\(index)", payload: [UInt8(index)])
            // Right after creation the stream's leader may still be elected: "no responders" means not stored.
            while case .notStored = outcome {
                try await Task.sleep(for: .milliseconds(50))
                outcome = await jetStream.publish(subject: "r.\(index)", payload: [UInt8(index)])
            }
            #expect(outcome.isStored, "\(outcome)")
        }
        // Read through another server's connection.
        let other = try ClusterTestSupport.jetStream([urls[2]])
        defer { other.close() }
        let consumer = try PullConsumer(
            jetStream: other, configuration: ConsumerConfiguration(stream: "R3", durableName: "d", filterSubject: "r.>"))
        defer { consumer.close() }
        var received: [FetchedMessage] = []
        _ = try await ClusterTestSupport.eventually {
            received += try consumer.fetch(max: 10, maxWait: .milliseconds(200))
            return received.count >= 10
        }
        #expect(received.map(\.payload) == (0..<10).map { [UInt8($0)] })
    }
}
