import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import LumenGRPC
import LumenWire

/// Sends `lumen load` over OTLP/gRPC instead of HTTP: one HTTP/2 connection, in plaintext or, given `caFile`
/// (PEM), in TLS verified against it; the three Export RPCs, retrying RESOURCE_EXHAUSTED and UNAVAILABLE with
/// backoff as OTLP exporters do.
///
/// Lifecycle: `start()` runs the connection until `stop()`; both from the task that owns the run.
public final class OTLPGRPCSender: OTLPSender {
    private let client: GRPCClient<HTTP2ClientTransport.Posix>
    private let metadata: Metadata
    private let options: CallOptions
    private let maxRetries: Int

    public init(host: String, port: Int, tenant: String?, gzip: Bool, caFile: String? = nil, maxRetries: Int = 5) throws {
        let security: HTTP2ClientTransport.Posix.TransportSecurity = caFile.map { caFile in
            .tls { $0.trustRoots = .certificates([.file(path: caFile, format: .pem)]) }
        } ?? .plaintext
        client = GRPCClient(
            transport: try .http2NIOPosix(
                target: .ipv4(address: host, port: port), transportSecurity: security,
                config: .defaults { $0.compression.enabledAlgorithms = .all }))
        var metadata = Metadata()
        if let tenant { metadata.addString(tenant, forKey: "x-scope-orgid") }
        self.metadata = metadata
        var options = CallOptions.defaults
        if gzip { options.compression = .gzip }
        options.timeout = .seconds(30)
        self.options = options
        self.maxRetries = maxRetries
    }

    /// Runs the client's connections; returns once `stop()` has been called and they have closed.
    public func start() async throws {
        try await client.runConnections()
    }

    public func stop() {
        client.beginGracefulShutdown()
    }

    public func send(_ post: OTLPPost) async -> OTLPSendOutcome {
        var retries = 0
        var backoff = Duration.milliseconds(250)
        while true {
            do {
                try await export(post)
                return OTLPSendOutcome(acknowledged: true, retries: retries, failure: nil)
            } catch let error as RPCError where [.resourceExhausted, .unavailable].contains(error.code) {
                guard retries < maxRetries else {
                    return OTLPSendOutcome(acknowledged: false, retries: retries, failure: "\(error) (gave up after \(retries) retries)")
                }
                retries += 1
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            } catch {
                return OTLPSendOutcome(acknowledged: false, retries: retries, failure: "\(post.signal.rawValue) export: \(error)")
            }
        }
    }

    private func export(_ post: OTLPPost) async throws {
        switch post.signal {
        case .traces:
            let request = try OTLPTraceRequest(serializedBytes: post.body)
            _ = try await Opentelemetry_Proto_Collector_Trace_V1_TraceService.Client(wrapping: client)
                .export(request, metadata: metadata, options: options)
        case .logs:
            let request = try OTLPLogsRequest(serializedBytes: post.body)
            _ = try await Opentelemetry_Proto_Collector_Logs_V1_LogsService.Client(wrapping: client)
                .export(request, metadata: metadata, options: options)
        case .metrics:
            let request = try OTLPMetricsRequest(serializedBytes: post.body)
            _ = try await Opentelemetry_Proto_Collector_Metrics_V1_MetricsService.Client(wrapping: client)
                .export(request, metadata: metadata, options: options)
        }
    }
}
