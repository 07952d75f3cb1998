import Hummingbird
import LumenModel
import LumenWire

/// `POST /v1/traces`, `/v1/metrics`, `/v1/logs`: OTLP over HTTP, protobuf or JSON, optionally gzip.
///
/// A request is answered 200 only after its data is fsynced in the write-ahead log and visible to queries.
/// Data the decoder or the limits refuse is reported through OTLP partial success; the rest is kept.
/// Overload answers 429 or 503 with `Retry-After`, which OTLP exporters honour (`Response(otlp:…)`).
struct OTLPHTTPRoutes: Sendable {
    let ingest: HTTPIngest

    func register(on router: Router<IngestRequestContext>) {
        for signal in [OTLPSignal.traces, .metrics, .logs] {
            router.post("/v1/\(signal.rawValue)") { request, context in
                await onSharedPool { await self.export(signal, request: request, context: context) }
            }
        }
    }

    private func export(_ signal: OTLPSignal, request: Request, context: IngestRequestContext) async -> Response {
        let contentType = request.headers[.contentType] ?? ""
        guard let format = OTLPFormat(contentType: contentType) else {
            let refusal = IngestRefusal(.unsupportedMediaType,
                "unsupported content type \"\(contentType)\": send application/x-protobuf or application/json")
            ingest.ingestor.refused(.otlpHTTP, refusal)
            return refusal.plainTextResponse
        }
        let result = await ingest.ingest(request, context: context, protocol: .otlpHTTP) {
            body, tenant, _ throws(WireError) in
            try OTLPDecoder.decode(signal, body: body, format: format, tenant: tenant, receivedAt: Timestamp.now())
        }
        return Response(otlp: result, signal: signal, format: format)
    }
}
