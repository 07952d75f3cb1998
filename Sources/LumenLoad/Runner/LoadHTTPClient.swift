import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// The HTTP client every sender of load uses (`lumen load` over OTLP/HTTP, `lumen-bench remote-write`).
public enum LoadHTTPClient {
    /// Up to `connections` kept-alive connections to the one host loaded. A refused connection fails the request
    /// at once, so the sender decides whether and when to retry; the pool's default reconnects until the
    /// request's deadline, which made a server that is down take a minute to report.
    /// `caFile` (PEM) replaces the system's trust roots for https. Shut it down (`shutdown()`) once the last
    /// request has returned.
    public static func make(connections: Int, caFile: String? = nil) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        if let caFile {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(caFile)
            configuration.tlsConfiguration = tls
        }
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, connections))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// The start of a response body, for an error message.
    public static func excerpt(_ body: ByteBuffer) -> String {
        let text = FailureText.message(body, contentType: nil)
        return text.isEmpty ? "(empty body)" : text
    }
}
