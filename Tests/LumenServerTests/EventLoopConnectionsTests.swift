import Foundation
import Hummingbird
import HummingbirdCore
import NIOPosix
import Testing
@testable import LumenServer
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where a request's work runs: on its connection's event loop when the listener is built with
/// `.http1OnEventLoops`, on Swift's pool inside `onSharedPool`, and back on the loop after it.
@Suite struct EventLoopConnectionsTests {
    /// "loop" or "pool", for the thread that runs the caller.
    private static func whereAmI() -> String {
        MultiThreadedEventLoopGroup.currentEventLoop == nil ? "pool" : "loop"
    }

    private static func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/here") { _, _ in whereAmI() }
        router.get("/pooled") { _, _ in await onSharedPool { whereAmI() } }
        router.get("/after-pool") { _, _ in
            _ = await onSharedPool { whereAmI() }
            return whereAmI()
        }
        return router
    }

    /// Runs `router` on a loopback port with `server` and GETs each path, returning the bodies in order.
    private static func answers(_ server: HTTPServerBuilder, _ paths: [String]) async throws -> [String] {
        let app = await LoopbackApplication.start(router(), server: server)
        defer { app.stop() }
        var bodies: [String] = []
        for path in paths {
            let url = URL(string: "http://127.0.0.1:\(app.port)\(path)")!
            bodies.append(String(decoding: try await URLSession.shared.data(from: url).0, as: UTF8.self))
        }
        return bodies
    }

    @Test func handlersRunOnTheEventLoopUnlessSentToThePool() async throws {
        let bodies = try await Self.answers(.http1OnEventLoops, ["/here", "/pooled", "/after-pool"])
        #expect(bodies == ["loop", "pool", "loop"])
    }

    @Test func plainHTTP1HandlersRunOnThePool() async throws {
        let bodies = try await Self.answers(.http1(), ["/here", "/pooled", "/after-pool"])
        #expect(bodies == ["pool", "pool", "pool"])
    }
}
