import Hummingbird
import Logging
import LumenModel
import LumenWire

/// `POST /v1/traces`, `/v1/metrics`, `/v1/logs`: OTLP over HTTP, protobuf or JSON, optionally gzip.
///
/// A request is answered 200 only after its data is fsynced in the write-ahead log and visible to queries.
/// Data the decoder or the limits refuse is reported through OTLP partial success; the rest is kept.
/// Overload answers 429 or 503 with `Retry-After`, which OTLP exporters honour. Every request refused whole is
/// counted in `lumen_ingest_refused_requests_total` with its reason.
struct OTLPHTTPRoutes: Sendable {
    let ingestor: Ingestor
    let tenants: TenantResolver
    let limits: TenantLimits

    func register(on router: Router<BasicRequestContext>) {
        for signal in [OTLPSignal.traces, .metrics, .logs] {
            router.post("/v1/\(signal.rawValue)") { request, _ in
                await onSharedPool { await self.export(signal, request: request) }
            }
        }
    }

    private func export(_ signal: OTLPSignal, request: Request) async -> Response {
        let contentType = request.headers[.contentType] ?? ""
        guard let format = OTLPFormat(contentType: contentType) else {
            ingestor.refused(.otlpHTTP, .unsupportedMediaType)
            return .text(
                "unsupported content type \"\(contentType)\": send application/x-protobuf or application/json",
                status: .unsupportedMediaType)
        }
        let tenant: Tenant
        do {
            tenant = try tenants.tenant(of: request, writing: true)
        } catch {
            ingestor.refused(.otlpHTTP, RequestRefusalReason(status: error.status))
            return failure(error.status, .invalidArgument, error.message, format: format)
        }
        let maxBytes = limits.limits(for: tenant).maxBodyBytes
        do {
            let body = try await request.decodedBody(limit: maxBytes)
            let decoded = try OTLPDecoder.decode(
                signal, body: body, format: format, tenant: tenant, receivedAt: Timestamp.now())
            let outcome = try await ingestor.ingest(
                decoded.batch, protocol: .otlpHTTP, bytes: body.readableBytes, decodeRejected: decoded.rejected,
                decodeMessage: decoded.rejectionMessage)
            return Response(
                status: .ok, headers: [.contentType: format.contentType],
                body: ResponseBody(
                    byteBuffer: OTLPResponse.encode(
                        signal, rejected: outcome.rejected, message: outcome.message, format: format)))
        } catch let error as WireError {
            ingestor.refused(.otlpHTTP, RequestRefusalReason(error))
            return failure(error.httpStatus, .invalidArgument, error.message, format: format)
        } catch let refusal as Ingestor.Refusal {
            switch refusal {
            case .busy(let seconds, let message):
                return failure(.tooManyRequests, .resourceExhausted, message, format: format, retryAfter: seconds)
            case .unavailable(let seconds, let message):
                return failure(.serviceUnavailable, .unavailable, message, format: format, retryAfter: seconds)
            }
        } catch {
            ingestor.refused(.otlpHTTP, .invalid)
            return failure(.badRequest, .invalidArgument, "\(error)", format: format)
        }
    }

    private func failure(
        _ status: HTTPResponse.Status, _ code: OTLPStatusBody.Code, _ message: String, format: OTLPFormat,
        retryAfter: Int? = nil
    ) -> Response {
        var headers: HTTPFields = [.contentType: format.contentType]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(
            status: status, headers: headers,
            body: ResponseBody(byteBuffer: OTLPStatusBody.encode(code, message: message, format: format)))
    }
}
