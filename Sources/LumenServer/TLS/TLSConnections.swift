import HummingbirdCore
import Logging
import NIOCore

/// A Hummingbird listener's connections inside TLS when `contexts` is set, each with the context current when
/// it was accepted (`TLSContexts`); plain otherwise. Wrap the innermost connection type with it: the TLS handler
/// goes first in the pipeline, so the handlers the outer wrappers put first (the client watch, the first-head
/// deadline) see decrypted bytes and the TLS handler's end-of-input events.
///
/// A connection that ends before a byte gets through TLS (a failed handshake: a port scanner, a plaintext client,
/// a client without an accepted certificate) is still handed to the inner `handle`, which must run it to its end,
/// but with its log silenced: the WebSocket upgrade would log each one as an error, where a plaintext connection
/// closed before its request is logged at trace. The failure itself is logged at debug.
struct TLSConnections<Connection: ServerChildChannel>: ServerChildChannel {
    let connection: Connection
    let contexts: TLSContexts?

    struct Value: ServerChildChannelValue {
        let connection: Connection.Value
        /// Succeeds at the first decrypted byte; fails if the connection ends or errs first. Nil in plaintext.
        let firstBytes: EventLoopFuture<Void>?
        var channel: any Channel { connection.channel }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard let contexts else {
            return connection.setup(channel: channel, logger: logger).map { Value(connection: $0, firstBytes: nil) }
        }
        let firstBytes = channel.eventLoop.makePromise(of: Void.self)
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(FirstBytesWatch(firstBytes), position: .first)
            try contexts.addHandler(to: channel, for: .http1)
        }.flatMap {
            connection.setup(channel: channel, logger: logger)
        }.map { Value(connection: $0, firstBytes: firstBytes.futureResult) }
    }

    func handle(value: Value, logger: Logger) async {
        var logger = logger
        do {
            try await value.firstBytes?.get()
        } catch {
            logger.debug("TLS connection ended before a request", metadata: ["error": "\(error)"])
            logger.logLevel = .critical
        }
        await connection.handle(value: value.connection, logger: logger)
    }
}

/// Behind the TLS handler: completes its promise at the first decrypted byte, or fails it when the connection
/// errs or closes before one; passes everything on and leaves once it has answered.
private final class FirstBytesWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private var promise: EventLoopPromise<Void>?

    init(_ promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
        answer(context, .success(()))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        answer(context, .failure(error))
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        answer(context, .failure(ChannelError.inputClosed))
        context.fireChannelInactive()
    }

    private func answer(_ context: ChannelHandlerContext, _ result: Result<Void, any Error>) {
        guard let promise else { return }
        self.promise = nil
        promise.completeWith(result)
        if case .success = result { context.pipeline.syncOperations.removeHandler(context: context, promise: nil) }
    }
}
