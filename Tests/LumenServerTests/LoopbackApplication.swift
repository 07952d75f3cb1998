import Hummingbird
import HummingbirdCore
import Logging

/// A Hummingbird application with routes a test scripts itself, on a loopback port the kernel chooses.
struct LoopbackApplication {
    let port: Int
    private let running: Task<Void, any Error>

    static func start(
        _ router: Router<BasicRequestContext>, server: HTTPServerBuilder = .http1()
    ) async -> LoopbackApplication {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var quiet = Logger(label: "loopback-application")
        quiet.logLevel = .critical  // its cancellation at the end is logged as an error
        let app = Application(
            router: router, server: server, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: quiet)
        let running = Task { try await app.runService(gracefulShutdownSignals: []) }
        var port = 0
        for await bound in ports {
            port = bound
            break
        }
        return LoopbackApplication(port: port, running: running)
    }

    func stop() {
        running.cancel()
    }
}
