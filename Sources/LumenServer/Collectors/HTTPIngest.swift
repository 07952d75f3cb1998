import Hummingbird
import LumenModel
import LumenWire
import NIOCore

/// The ingest pipeline's HTTP front, the same for every HTTP protocol: the tenant `TenantMiddleware` resolved,
/// the body read under that tenant's `max_body_bytes` (and decompressed where the protocol allows), then the
/// protocol's decoder and `Ingestor`. A refusal at any step is counted once, by `Ingestor.request`.
struct HTTPIngest: Sendable {
    let ingestor: Ingestor
    let limits: TenantLimits

    /// - Parameters:
    ///   - decompress: whether `Content-Encoding` applies (remote write is snappy inside, never gzip).
    ///   - decode: the protocol's decoder, given the body, the tenant and the tenant's body limit.
    func ingest(
        _ request: Request, context: IngestRequestContext, protocol name: IngestProtocol, decompress: Bool = true,
        decode: (_ body: ByteBuffer, _ tenant: Tenant, _ limit: Int) throws(WireError) -> DecodeResult
    ) async -> IngestResult {
        await ingestor.request(name) { () async throws(IngestRefusal) -> IngestOutcome in
            let tenant = try context.tenant.get()
            let limit = limits.limits(for: tenant).maxBodyBytes
            let body = try await request.decodedBody(limit: limit, decompress: decompress)
            return try await ingestor.ingest(name, bytes: body.readableBytes) { () throws(WireError) in
                try decode(body, tenant, limit)
            }
        }
    }
}
