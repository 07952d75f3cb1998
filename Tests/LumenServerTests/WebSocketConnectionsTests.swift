import Hummingbird
import HummingbirdCore
import NIOCore
import NIOPosix
import Testing

@testable import LumenServer

/// The API listener's connections may upgrade to WebSocket; until their first request head has arrived whole they
/// are bounded by the idle timeout, as plain HTTP/1 connections are (a slowloris client is let go).
struct WebSocketConnectionsTests {
    private func closedWithin(_ head: String, idle: TimeAmount) async throws -> Duration {
        let router = Router()
        router.get("/ok") { _, _ in "ok" }
        let app = await LoopbackApplication.start(router, server: .http1WebSocket(
            budget: ConnectionBudget(limit: 10, telemetry: SelfTelemetry()), listener: .api, idleTimeout: idle,
            requestTimeout: .seconds(30), tls: nil, shouldUpgrade: { _ in .dontUpgrade }))
        defer { app.stop() }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: app.port).get()
        let started = ContinuousClock.now
        // The client gives up after 5 s: a close before then is the server's.
        channel.eventLoop.scheduleTask(in: .seconds(5)) { channel.close(promise: nil) }
        // On a loaded machine the server may close first: then the write fails, and that is the point too.
        try? await channel.writeAndFlush(ByteBuffer(string: head)).get()
        try await channel.closeFuture.get()
        return ContinuousClock.now - started
    }

    @Test func aFirstRequestHeadThatNeverEndsIsClosedAtTheIdleTimeout() async throws {
        let elapsed = try await closedWithin("GET /ok HTTP/1.1\r\nHost: x\r\n", idle: .milliseconds(200))
        #expect(elapsed < .seconds(4))
    }

    @Test func aConnectionThatSendsNothingIsClosedAtTheIdleTimeout() async throws {
        let elapsed = try await closedWithin("", idle: .milliseconds(200))
        #expect(elapsed < .seconds(4))
    }
}
