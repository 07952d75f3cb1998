import Hummingbird
import LumenWire

extension Request {
    /// The body, read up to `limit` bytes and, unless told not to, un-gzipped under the same limit (enforced
    /// while inflating). Throws `WireError.tooLarge` past the limit.
    func decodedBody(limit: Int, decompress: Bool = true) async throws -> ByteBuffer {
        var request = self
        let raw: ByteBuffer
        do {
            raw = try await request.collectBody(upTo: limit)
        } catch {
            throw WireError.tooLarge("request body is larger than the limit of \(limit) bytes (max_body_bytes)")
        }
        guard decompress else { return raw }
        return try ContentEncoding.decode(raw, encoding: headers[.contentEncoding], limit: limit)
    }
}
