import Hummingbird
import Logging
import LumenEngine
import LumenModel
import LumenWire

/// `POST /v1/traces`, `/v1/metrics`, `/v1/logs`: OTLP over HTTP, protobuf or JSON, optionally gzip.
///
/// A request is answered 200 only after its data is fsynced in the write-ahead log and visible to queries.
/// Data the decoder or the head refuses is reported through OTLP partial success; the rest is kept.
struct OTLPHTTPRoutes: Sendable {
    let storage: Storage
    let maxBodyBytes: Int
    let logger: Logger

    func register(on router: Router<BasicRequestContext>) {
        for signal in [OTLPSignal.traces, .metrics, .logs] {
            router.post("/v1/\(signal.rawValue)") { request, _ in
                await self.export(signal, request: request)
            }
        }
    }

    private func export(_ signal: OTLPSignal, request: Request) async -> Response {
        let contentType = request.headers[.contentType] ?? ""
        guard let format = OTLPFormat(contentType: contentType) else {
            return .text(
                "unsupported content type \"\(contentType)\": send application/x-protobuf or application/json",
                status: .unsupportedMediaType)
        }
        do {
            let tenant: Tenant
            do { tenant = try request.tenant() } catch { throw WireError.badTenant(error.message) }
            var request = request
            let raw: ByteBuffer
            do {
                raw = try await request.collectBody(upTo: maxBodyBytes)
            } catch {
                throw WireError.bodyTooLarge(limit: maxBodyBytes)
            }
            let body = try ContentEncoding.decode(
                raw, encoding: request.headers[.contentEncoding], limit: maxBodyBytes)
            let decoded = try OTLPDecoder.decode(
                signal, body: body, format: format, tenant: tenant, receivedAt: Timestamp.now())
            let report: AppendReport
            do {
                report = try await storage.append(decoded.batch)
            } catch {
                logger.error("write-ahead log append failed: \(error)")
                return failure(
                    .serviceUnavailable, .unavailable, "storage unavailable: \(error)", format: format, retryAfter: 5)
            }
            var rejected = decoded.rejected
            var messages = decoded.rejectionMessage.isEmpty ? [] : [decoded.rejectionMessage]
            if report.conflictingSamples > 0 {
                rejected += report.conflictingSamples
                messages.append(
                    "\(report.conflictingSamples) samples refused: a different value is already stored for "
                        + "the same series and timestamp")
            }
            return Response(
                status: .ok, headers: [.contentType: format.contentType],
                body: ResponseBody(
                    byteBuffer: OTLPResponse.encode(
                        signal, rejected: rejected, message: messages.joined(separator: "; "), format: format)))
        } catch let error as WireError {
            let status: HTTPResponse.Status =
                switch error.kind {
                case .malformed: .badRequest
                case .tooLarge: .contentTooLarge
                case .unsupportedMediaType, .unsupportedEncoding: .unsupportedMediaType
                }
            return failure(status, .invalidArgument, error.message, format: format)
        } catch {
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

extension WireError {
    static func badTenant(_ message: String) -> WireError { .malformed(message) }
    static func bodyTooLarge(limit: Int) -> WireError {
        .tooLarge("request body is larger than the limit of \(limit) bytes")
    }
}
