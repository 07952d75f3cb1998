import GRPCCore
import GRPCNIOTransportHTTP2
import LumenServer
import NIOCore
import ServiceLifecycle

/// Plugs OTLP/gRPC into `lumen serve` on `configuration.otlpGRPC` (default 0.0.0.0:4317): the trace, metrics and
/// logs services over HTTP/2 in plaintext or TLS (`OTLPGRPCListenerFactory`), gzip and deflate accepted, requests up to the body limit: a message
/// over it, or one that inflates past it, is answered RESOURCE_EXHAUSTED with a message (`GRPCMessageLimitHandler`).
public struct OTLPGRPCPlugin: ListenerPlugin {
    public init() {}

    public func makeService(_ context: ListenerContext) -> (any Service)? {
        context.configuration.otlpGRPC.map { OTLPGRPCListener(address: $0, context: context) }
    }
}

struct OTLPGRPCListener: Service {
    let address: ListenAddress
    let context: ListenerContext

    func run() async throws {
        let export = GRPCExport(ingestor: context.ingestor)
        var config = HTTP2ServerTransport.Custom<OTLPGRPCListenerFactory>.Config.defaults
        config.compression.enabledAlgorithms = .all
        config.rpc.maxRequestPayloadSize = context.configuration.maxBodyBytes
        config.channelDebuggingCallbacks.onAcceptHTTP2Stream = { [context] stream in
            stream.eventLoop.makeCompletedFuture {
                let limit = GRPCMessageLimitHandler(limit: context.configuration.maxBodyBytes) {
                    context.ingestor.refused(.otlpGRPC, $0)
                }
                try stream.pipeline.syncOperations.addHandler(limit, position: .first)
            }
        }
        config.connection.maxIdleTime = context.configuration.connections.idleTimeout
        config.channelDebuggingCallbacks.onAcceptTCPConnection = { [connections = context.connections] channel in
            // Closed here when over budget; the transport then sees the connection end.
            connections.admit(channel, listener: .otlpGRPC)
            return channel.eventLoop.makeSucceededVoidFuture()
        }
        let transport = HTTP2ServerTransport.Custom(
            listenerFactory: OTLPGRPCListenerFactory(address: address, tls: context.tls), config: config)
        let server = GRPCServer(
            transport: transport,
            services: [TraceExportService(export: export), MetricsExportService(export: export),
                LogsExportService(export: export)],
            interceptors: [TenantInterceptor(tenants: context.tenants, ingestor: context.ingestor)])
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                try await withGracefulShutdownHandler {
                    try await server.serve()
                } onGracefulShutdown: {
                    server.beginGracefulShutdown()
                }
            }
            if let bound = await transport.listeningAddress?.ipv4,
                let local = try? SocketAddress(ipAddress: bound.host, port: bound.port)
            {
                context.onListening(.otlpGRPC, local)
            }
            try await tasks.waitForAll()
        }
    }
}
