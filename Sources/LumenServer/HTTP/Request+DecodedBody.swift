import Hummingbird
import LumenWire
import NIOCore

extension Request {
    /// The body, read up to `limit` bytes and, unless told not to, un-gzipped under the same limit (enforced
    /// while inflating). Refused `tooLarge` past the limit — before reading anything when the `Content-Length`
    /// already says so, so a client declaring a huge body is answered at once, not when it gives up sending.
    func decodedBody(limit: Int, decompress: Bool = true) async throws(IngestRefusal) -> ByteBuffer {
        if let declared = headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw IngestRefusal(.tooLarge,
                "request body is \(declared) bytes (Content-Length), over the limit of \(limit) bytes (max_body_bytes)")
        }
        var request = self
        let raw: ByteBuffer
        do {
            raw = try await request.collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw IngestRefusal(.tooLarge, "request body is larger than the limit of \(limit) bytes (max_body_bytes)")
        } catch {
            throw IngestRefusal(.badData, "\(error)")
        }
        guard decompress else { return raw }
        do {
            return try ContentEncoding.decode(raw, encoding: headers[.contentEncoding], limit: limit)
        } catch {
            throw IngestRefusal(error)
        }
    }
}
