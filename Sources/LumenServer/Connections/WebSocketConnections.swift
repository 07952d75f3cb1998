import HTTPTypes
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

extension HTTPServerBuilder {
    /// `http1(budget:…)` whose connections may also become WebSockets: a connection's first request that asks to
    /// upgrade is handed to `shouldUpgrade` (Loki's tail); a later one is redirected to a new connection, as
    /// hummingbird-websocket does. Until the first request's head has arrived, `FirstHeadDeadline` bounds the
    /// wait (the upgrade path reads it before Hummingbird's idle timeout is in place).
    static func http1WebSocket(
        budget: ConnectionBudget, listener: LumenServer.Listener, idleTimeout: TimeAmount, requestTimeout: TimeAmount,
        tls: TLSContexts?, shouldUpgrade: @escaping @Sendable (HTTPRequest) -> ShouldUpgradeResult<LokiTails.Handler>
    ) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            let upgradable = HTTP1WebSocketUpgradeChannel(
                responder: responder,
                configuration: .init(
                    http1: .init(
                        additionalChannelHandlers: [RequestReadDeadline(timeout: requestTimeout)],
                        idleTimeout: idleTimeout),
                    ws: .init(autoPing: .enabled(timePeriod: .seconds(30)))),
                shouldUpgrade: { head, _, _ in shouldUpgrade(head) })
            return BudgetedConnections(
                connection: FirstHeadDeadline(
                    connection: TLSConnections(connection: upgradable, contexts: tls), timeout: idleTimeout),
                budget: budget, listener: listener)
        }
    }
}

/// A connection whose first request head must arrive whole within `timeout` (`FirstHeadDeadlineHandler`).
struct FirstHeadDeadline<Connection: ServerChildChannel>: ServerChildChannel {
    let connection: Connection
    let timeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Connection.Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(FirstHeadDeadlineHandler(timeout: timeout), position: .first)
        }.flatMap {
            connection.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Connection.Value, logger: Logger) async {
        await connection.handle(value: value, logger: logger)
    }
}

/// Closes the connection unless the bytes of its first request head, up to the blank line that ends it, arrive
/// within `timeout`; then removes itself. A client that sends nothing, or a head a byte at a time, is let go.
final class FirstHeadDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?
    /// The last bytes seen, for an end of head split across reads.
    private var tail: [UInt8] = []

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let bytes = tail + buffer.readableBytesView
        let ended = bytes.indices.dropLast(3).contains { index in
            bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10
        }
        context.fireChannelRead(data)
        if ended {
            deadline?.cancel()
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        } else {
            tail = Array(bytes.suffix(3))
        }
    }
}
