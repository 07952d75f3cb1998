import Hummingbird
import LumenModel
import LumenWire

/// The push endpoints that sit beside OTLP on the ingest listener:
/// - `POST /api/v1/write`: Prometheus remote write 1.0 (snappy protobuf), samples and exemplars;
/// - `POST /loki/api/v1/push`: Loki push, JSON (optionally gzip) or snappy protobuf;
/// - `POST /api/v2/spans`: Zipkin v2 JSON.
struct PushRoutes: Sendable {
    let endpoint: PushEndpoint
    /// One for the receiver: it remembers the series senders keep sending.
    let remoteWrite = RemoteWriteDecoder()

    func register(on router: Router<BasicRequestContext>) {
        router.post("/api/v1/write") { request, _ in
            await endpoint.handle(request, protocol: .remoteWrite, success: .noContent, decompress: false) {
                body, tenant, limit throws(WireError) in
                let result = try remoteWrite.decode(body, tenant: tenant, limit: limit)
                return DecodeResult(
                    batch: result.batch, rejected: result.rejected, rejectionMessage: result.rejectionMessage)
            }
        }
        router.post("/loki/api/v1/push") { request, _ in
            let contentType = request.headers[.contentType] ?? "application/json"
            return await endpoint.handle(request, protocol: .loki, success: .noContent) {
                body, tenant, limit throws(WireError) in
                try LokiPushDecoder.decode(
                    body, contentType: contentType, tenant: tenant, receivedAt: Timestamp.now(), limit: limit)
            }
        }
        router.post("/api/v2/spans") { request, _ in
            await endpoint.handle(request, protocol: .zipkin, success: .accepted) {
                body, tenant, _ throws(WireError) in
                try ZipkinDecoder.decode(body, tenant: tenant)
            }
        }
    }
}
