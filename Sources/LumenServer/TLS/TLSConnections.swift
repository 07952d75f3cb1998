import HummingbirdCore
import Logging
import NIOCore

/// A Hummingbird listener's connections inside TLS when `contexts` is set, each with the context current when
/// it was accepted (`TLSContexts`); plain otherwise. Wrap the innermost connection type with it: the TLS handler
/// goes first in the pipeline, so the handlers the outer wrappers put first (the client watch, the first-head
/// deadline) see decrypted bytes and the TLS handler's end-of-input events.
struct TLSConnections<Connection: ServerChildChannel>: ServerChildChannel {
    let connection: Connection
    let contexts: TLSContexts?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Connection.Value> {
        guard let contexts else { return connection.setup(channel: channel, logger: logger) }
        return channel.eventLoop.makeCompletedFuture {
            try contexts.addHandler(to: channel, for: .http1)
        }.flatMap {
            connection.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Connection.Value, logger: Logger) async {
        await connection.handle(value: value, logger: logger)
    }
}
