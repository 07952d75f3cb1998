import Logging
import NIOCore
import ServiceLifecycle

/// A listener that lives in another module and joins the server's lifecycle: OTLP/gRPC does, so that gRPC's
/// build cost stays out of the targets that don't need it.
public protocol ListenerPlugin: Sendable {
    /// `nil` when the configuration turns this listener off.
    func makeService(_ context: ListenerContext) -> (any Service)?
}

/// What a plugged-in listener gets: the one ingest path, tenant rules, self-telemetry, and how to announce
/// its address.
public struct ListenerContext: Sendable {
    public let configuration: ServerConfiguration
    public let ingestor: Ingestor
    public let tenants: TenantResolver
    /// Every TCP listener admits its connections through it.
    public let connections: ConnectionBudget
    /// TLS for every accepted connection (`TLSContexts.addHandler`); nil: plaintext.
    public let tls: TLSContexts?
    public let logger: Logger
    public let onListening: @Sendable (LumenServer.Listener, SocketAddress) -> Void
}
