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

    /// Remote-write bodies up to this size are handled on their connection's event loop. Prometheus sends
    /// 2,000 samples a request by default, about 20 KiB; a body of this size decodes in a few milliseconds at
    /// most, while a larger one would hold up the loop's other connections and goes to Swift's pool.
    static let remoteWriteOnEventLoopBytes = 128 << 10

    func register(on router: Router<BasicRequestContext>) {
        router.post("/api/v1/write") { request, _ in
            let declared = request.headers[.contentLength].flatMap { Int($0) }
            if let declared, declared <= Self.remoteWriteOnEventLoopBytes { return await writeRemote(request) }
            return await onSharedPool { await writeRemote(request) }
        }
        router.post("/loki/api/v1/push") { request, _ in
            let contentType = request.headers[.contentType] ?? "application/json"
            return await onSharedPool {
                await endpoint.handle(request, protocol: .loki, success: .noContent) {
                    body, tenant, limit throws(WireError) in
                    try LokiPushDecoder.decode(
                        body, contentType: contentType, tenant: tenant, receivedAt: Timestamp.now(), limit: limit)
                }
            }
        }
        router.post("/api/v2/spans") { request, _ in
            await onSharedPool {
                await endpoint.handle(request, protocol: .zipkin, success: .accepted) {
                    body, tenant, _ throws(WireError) in
                    try ZipkinDecoder.decode(body, tenant: tenant)
                }
            }
        }
    }

    private func writeRemote(_ request: Request) async -> Response {
        await endpoint.handle(request, protocol: .remoteWrite, success: .noContent, decompress: false) {
            body, tenant, limit throws(WireError) in
            let result = try remoteWrite.decode(body, tenant: tenant, limit: limit)
            return DecodeResult(
                batch: result.batch, rejected: result.rejected, rejectionMessage: result.rejectionMessage)
        }
    }
}
