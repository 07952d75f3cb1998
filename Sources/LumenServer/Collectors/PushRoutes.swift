import Hummingbird
import LumenModel
import LumenWire

/// The push endpoints that sit beside OTLP on the ingest listener, answered as their clients expect
/// (`Response(push:success:)`):
/// - `POST /api/v1/write`: Prometheus remote write 1.0 (snappy protobuf), samples and exemplars;
/// - `POST /loki/api/v1/push`: Loki push, JSON (optionally gzip) or snappy protobuf;
/// - `POST /api/v2/spans`: Zipkin v2 JSON.
struct PushRoutes: Sendable {
    let ingest: HTTPIngest
    /// One for the receiver: it remembers the series senders keep sending.
    let remoteWrite = RemoteWriteDecoder()

    /// Remote-write bodies up to this size are handled on their connection's event loop. Prometheus sends
    /// 2,000 samples a request by default, about 20 KiB; a body of this size decodes in a few milliseconds at
    /// most, while a larger one would hold up the loop's other connections and goes to Swift's pool.
    static let remoteWriteOnEventLoopBytes = 128 << 10

    func register(on router: Router<IngestRequestContext>) {
        router.post("/api/v1/write") { request, context in
            let declared = request.headers[.contentLength].flatMap { Int($0) }
            if let declared, declared <= Self.remoteWriteOnEventLoopBytes {
                return await writeRemote(request, context: context)
            }
            return await onSharedPool { await writeRemote(request, context: context) }
        }
        router.post("/loki/api/v1/push") { request, context in
            let contentType = request.headers[.contentType] ?? "application/json"
            return await onSharedPool {
                let result = await ingest.ingest(request, context: context, protocol: .loki) {
                    body, tenant, limit throws(WireError) in
                    try LokiPushDecoder.decode(
                        Array(body.readableBytesView), contentType: contentType, tenant: tenant,
                        receivedAt: Timestamp.now(), limit: limit)
                }
                return Response(push: result, success: .noContent)
            }
        }
        router.post("/api/v2/spans") { request, context in
            await onSharedPool {
                let result = await ingest.ingest(request, context: context, protocol: .zipkin) {
                    body, tenant, _ throws(WireError) in
                    try ZipkinDecoder.decode(Array(body.readableBytesView), tenant: tenant)
                }
                return Response(push: result, success: .accepted)
            }
        }
    }

    private func writeRemote(_ request: Request, context: IngestRequestContext) async -> Response {
        let result = await ingest.ingest(request, context: context, protocol: .remoteWrite, decompress: false) {
            body, tenant, limit throws(WireError) in
            try remoteWrite.decode(Array(body.readableBytesView), tenant: tenant, limit: limit)
        }
        return Response(push: result, success: .noContent)
    }
}
