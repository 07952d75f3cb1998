import HummingbirdCore
import Logging
import NIOCore

/// A Hummingbird listener's connections, each admitted by the `ConnectionBudget` before it is served.
///
/// The check is in `handle`, not `setup`: a failed setup is reported to the server channel as an error,
/// which would end its accept loop. A refused connection is closed and still handed to the inner `handle`,
/// which ends at once: its async channel must be run to its end, as dropping one unfinished traps. Each
/// connection's tasks know their client (`ClientConnection.current`), so a query stops when its client goes;
/// the client is watched from `setup`, before anything is read, as an end of input reported before the watch
/// is in place is never reported again (a client that sent its request and closed at once went unseen).
struct BudgetedConnections<Connection: ServerChildChannel>: ServerChildChannel {
    let connection: Connection
    let budget: ConnectionBudget
    let listener: LumenServer.Listener

    struct Value: ServerChildChannelValue {
        let connection: Connection.Value
        let client: ClientConnection
        var channel: any Channel { connection.channel }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let client = ClientConnection()
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ClientDisconnectHandler(client), position: .first)
        }.flatMap {
            connection.setup(channel: channel, logger: logger)
        }.map { Value(connection: $0, client: client) }
    }

    func handle(value: Value, logger: Logger) async {
        budget.admit(value.channel, listener: listener)
        await ClientConnection.$current.withValue(value.client) {
            await connection.handle(value: value.connection, logger: logger)
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 within `budget`, closing a connection idle for `idleTimeout` between requests (which also ends
    /// a client that sends a request head too slowly) or whose request does not arrive whole within
    /// `requestTimeout`; on their event loops (`EventLoopConnections`) or on Swift's pool; inside TLS when
    /// `tls` is set.
    static func http1(
        budget: ConnectionBudget, listener: LumenServer.Listener, idleTimeout: TimeAmount, requestTimeout: TimeAmount,
        onEventLoops: Bool, tls: TLSContexts?
    ) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            let http = TLSConnections(
                connection: HTTP1Channel(
                    responder: responder,
                    configuration: .init(
                        additionalChannelHandlers: [RequestReadDeadline(timeout: requestTimeout)],
                        idleTimeout: idleTimeout)),
                contexts: tls)
            if onEventLoops {
                return BudgetedConnections(
                    connection: EventLoopConnections(connection: http), budget: budget, listener: listener)
            }
            return BudgetedConnections(connection: http, budget: budget, listener: listener)
        }
    }
}
