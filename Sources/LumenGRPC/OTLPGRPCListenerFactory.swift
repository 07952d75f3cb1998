import GRPCNIOTransportHTTP2
import LumenServer
import NIOCore
import NIOPosix

/// The OTLP/gRPC listening socket: gRPC's own HTTP/2 connection setup, inside TLS when `tls` is set. Unlike the
/// Posix transport's TLS, whose context is fixed when it starts listening, each connection takes the context
/// current when it is accepted, so a SIGHUP reload reaches gRPC too (`TLSContexts`).
struct OTLPGRPCListenerFactory: HTTP2ServerTransport.ListenerFactory {
    let address: ListenAddress
    let tls: TLSContexts?
    let eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton

    func makeListeningChannel(
        listenerConfigurator: HTTP2ServerTransport.ListenerConfigurator,
        connectionConfigurator: HTTP2ServerTransport.ConnectionConfigurator
    ) async throws -> NIOAsyncChannel<HTTP2ServerTransport.ConnectionConfigurator.ConnectionChannel, Never> {
        try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { listenerConfigurator.configure(channel: $0) }
            .bind(host: address.host, port: address.port) { [tls] channel in
                channel.eventLoop.makeCompletedFuture {
                    try tls?.addHandler(to: channel, for: .http2)
                }.flatMap {
                    // ALPN is required: a TLS client that does not negotiate h2 is not speaking gRPC.
                    connectionConfigurator.configure(
                        channel: channel, tls: tls == nil ? .none : .configured(requireALPN: true))
                }
            }
    }
}
