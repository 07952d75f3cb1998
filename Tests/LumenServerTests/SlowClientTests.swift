import Hummingbird
import HummingbirdCore
import NIOCore
import NIOPosix
import Testing

@testable import LumenServer

/// Slowloris on both HTTP listeners, each as `LumenServer` builds it (the OTLP/HTTP listener's `http1` on event
/// loops, the API's `http1WebSocket`): a client that sends nothing, a request head that trickles in (on a new
/// connection and after a first request), and a body that trickles in. Each is let go at its timeout — the idle one
/// until a request's head has arrived, the request one after — however long the client would go on.
struct SlowClientTests {
    enum Listener: CaseIterable { case otlpHTTP, api }

    static let idle = TimeAmount.milliseconds(200)

    /// How long the server took to close the connection while the client sent `chunks`, one every 50 ms, for up to
    /// 10 s.
    private func closedAfter(
        _ listener: Listener, sending chunks: [String], idle: TimeAmount = Self.idle,
        request: TimeAmount = .seconds(30)
    ) async throws -> Duration {
        let router = Router()
        router.post("/ok") { request, _ in
            _ = try await request.body.collect(upTo: 1 << 20)
            return "ok"
        }
        let budget = ConnectionBudget(limit: 10, telemetry: SelfTelemetry())
        let server: HTTPServerBuilder = switch listener {
        case .otlpHTTP:
            .http1(budget: budget, listener: .otlpHTTP, idleTimeout: idle, requestTimeout: request,
                onEventLoops: true, tls: nil)
        case .api:
            .http1WebSocket(budget: budget, listener: .api, idleTimeout: idle, requestTimeout: request,
                tls: nil, shouldUpgrade: { _ in .dontUpgrade })
        }
        let app = await LoopbackApplication.start(router, server: server)
        defer { app.stop() }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: app.port).get()
        let started = ContinuousClock.now
        // The client would go on for 10 s: a close before then is the server's.
        channel.eventLoop.scheduleTask(in: .seconds(10)) { channel.close(promise: nil) }
        let sender = Task {
            for chunk in chunks {
                // Once the server has closed, the write fails: that is the point.
                guard (try? await channel.writeAndFlush(ByteBuffer(string: chunk)).get()) != nil else { return }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        try await channel.closeFuture.get()
        sender.cancel()
        return ContinuousClock.now - started
    }

    // Each close comes long before the client would have stopped. (Not checked against the idle timeout from
    // below: its timer starts at the server's accept, which a loaded client sees late.)

    @Test(arguments: Listener.allCases)
    func aConnectionThatSendsNothingIsClosedAtTheIdleTimeout(listener: Listener) async throws {
        let elapsed = try await closedAfter(listener, sending: [])
        #expect(elapsed < .seconds(4), "\(elapsed)")
    }

    /// The idle timer counts decoded request parts, not bytes: a head a byte every 50 ms is still idle.
    @Test(arguments: Listener.allCases)
    func aRequestHeadThatTricklesInIsClosedAtTheIdleTimeout(listener: Listener) async throws {
        let head = "POST /ok HTTP/1.1\r\nHost: x\r\nX-Slow: " + String(repeating: "a", count: 200)
        let elapsed = try await closedAfter(listener, sending: head.map(String.init))
        #expect(elapsed < .seconds(4), "\(elapsed)")
    }

    /// After a whole request and its answer, the next head is held to the same bound.
    @Test(arguments: Listener.allCases)
    func aSecondRequestHeadThatTricklesInIsClosedToo(listener: Listener) async throws {
        let first = "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok"
        let second = "POST /ok HTTP/1.1\r\nHost: x\r\nX-Slow: " + String(repeating: "a", count: 200)
        let elapsed = try await closedAfter(listener, sending: [first] + second.map(String.init))
        #expect(elapsed < .seconds(4), "\(elapsed)")
    }

    /// The idle timeout is long here (4 s), so that a head a loaded machine sends late is not idle, and a close
    /// before it is the request timeout's: 300 ms after the head, which the client sent after it began timing.
    @Test(arguments: Listener.allCases)
    func aBodyThatTricklesInIsClosedAtTheRequestTimeout(listener: Listener) async throws {
        let head = "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
        let elapsed = try await closedAfter(
            listener, sending: [head] + Array(repeating: "a", count: 200), idle: .seconds(4),
            request: .milliseconds(300))
        #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(4), "\(elapsed)")
    }
}
