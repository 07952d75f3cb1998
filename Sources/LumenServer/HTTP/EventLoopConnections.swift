import HummingbirdCore
import Logging
import NIOCore

/// HTTP/1 connections whose tasks run on their own channel's event loop (`EventLoopExecutor`).
///
/// For a small request that is cheap to decode, such as remote write's 1,000 samples, the thread switches of
/// a request (event loop → pool to read, pool → event loop to answer) cost more than the work. A route whose
/// decoding is heavy moves itself back to Swift's pool with `onSharedPool`, so it never holds up the other
/// connections of its loop.
struct EventLoopConnections<Connection: ServerChildChannel>: ServerChildChannel {
    let connection: Connection

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Connection.Value> {
        connection.setup(channel: channel, logger: logger)
    }

    func handle(value: Connection.Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopExecutor(value.channel.eventLoop)) {
            await connection.handle(value: value, logger: logger)
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 whose connections run on their event loops: see `EventLoopConnections`.
    static var http1OnEventLoops: HTTPServerBuilder {
        HTTPServerBuilder { responder in
            EventLoopConnections(connection: HTTP1Channel(responder: responder))
        }
    }
}

/// Runs `work` on Swift's shared pool: the way out of an event-loop connection for a route whose decoding
/// is heavy (OTLP, Loki, Zipkin, remote-write bodies over `PushRoutes.remoteWriteOnEventLoopBytes`).
func onSharedPool<T: Sendable>(_ work: () async -> T) async -> T {
    await withTaskExecutorPreference(globalConcurrentExecutor, operation: work)
}
