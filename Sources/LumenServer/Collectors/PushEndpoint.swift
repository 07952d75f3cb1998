import Hummingbird
import LumenModel
import LumenWire

/// What the HTTP push protocols other than OTLP share: tenant, a body read under the tenant's limit and
/// decompressed, ingest, and plain-text answers in the shape Prometheus, Loki and Zipkin clients expect
/// (2xx on success, 400 naming what was refused, 429/503 with `Retry-After` under overload). Every request
/// refused whole is counted in `lumen_ingest_refused_requests_total` with its reason.
struct PushEndpoint: Sendable {
    let ingestor: Ingestor
    let tenants: TenantResolver
    let limits: TenantLimits

    /// - Parameters:
    ///   - decompress: whether `Content-Encoding` applies (remote write is snappy inside, never gzip).
    ///   - success: the status a protocol's clients expect (204 for remote write and Loki, 202 for Zipkin).
    func handle(
        _ request: Request, protocol name: IngestProtocol, success: HTTPResponse.Status, decompress: Bool = true,
        decode: (_ body: [UInt8], _ tenant: Tenant, _ limit: Int) throws(WireError) -> DecodeResult
    ) async -> Response {
        do {
            let tenant = try tenants.tenant(of: request, writing: true)
            let limit = limits.limits(for: tenant).maxBodyBytes
            let body = try await request.decodedBody(limit: limit, decompress: decompress)
            let decoded = try decode(Array(body.readableBytesView), tenant, limit)
            let outcome = try await ingestor.ingest(
                decoded.batch, protocol: name, bytes: body.readableBytes, decodeRejected: decoded.rejected,
                decodeMessage: decoded.rejectionMessage)
            guard outcome.rejected == 0 else {
                // These protocols have no partial success: the accepted part is stored, the answer names the rest.
                return .text("\(outcome.rejected) items refused: \(outcome.message)", status: .badRequest)
            }
            return Response(status: success)
        } catch let error as APIError {
            ingestor.refused(name, RequestRefusalReason(status: error.status))
            return .text(error.message, status: error.status)
        } catch let error as WireError {
            ingestor.refused(name, RequestRefusalReason(error))
            return .text(error.message, status: error.httpStatus)
        } catch let refusal as Ingestor.Refusal {
            var response: Response
            switch refusal {
            case .busy(let seconds, let message):
                response = .text(message, status: .tooManyRequests)
                response.headers[.retryAfter] = String(seconds)
            case .unavailable(let seconds, let message):
                response = .text(message, status: .serviceUnavailable)
                response.headers[.retryAfter] = String(seconds)
            }
            return response
        } catch {
            ingestor.refused(name, .invalid)
            return .text("\(error)", status: .badRequest)
        }
    }
}
