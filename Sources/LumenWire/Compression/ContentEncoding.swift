import CompressNIO
import NIOCore

/// Undoes an HTTP `Content-Encoding` before a body is decoded.
public enum ContentEncoding {
    /// The encodings `decode` understands, for an `Accept-Encoding` style answer.
    public static let supported = ["gzip", "deflate", "identity"]

    /// Returns the decoded body. `nil`, empty or `identity` returns the body as it is (still held to `limit`);
    /// `gzip` and `deflate` (zlib, or raw deflate as some clients send) are inflated.
    ///
    /// `limit` bounds the *decoded* size to the byte, for every encoding: a body that decodes to `limit` bytes
    /// is returned, one byte more is `.tooLarge`. It is enforced while inflating (`Inflater`), so a small
    /// compressed bomb fails after allocating about `limit` bytes, never the full output. A gzip body of several
    /// members (RFC 1952) decodes to their concatenation, the limit counting all of them.
    public static func decode(_ body: ByteBuffer, encoding: String?, limit: Int) throws(WireError) -> ByteBuffer {
        let name = (encoding ?? "").trimmingWhitespace().lowercased()
        switch name {
        case "", "identity":
            guard body.readableBytes <= limit else {
                throw .tooLarge("request body is \(body.readableBytes) bytes, over the limit of \(limit) bytes")
            }
            return body
        case "gzip", "x-gzip":
            return try Inflater.inflate(body, format: .gzip, limit: limit, name: "gzip")
        case "deflate":
            do {
                return try Inflater.inflate(body, format: .zlib, limit: limit, name: "deflate")
            } catch where error.kind == .malformed {
                return try Inflater.inflate(body, format: .rawDeflate, limit: limit, name: "deflate")
            }
        default:
            throw WireError(
                .unsupportedEncoding,
                "Content-Encoding \"\(encoding ?? "")\" is not supported; use gzip, deflate or identity")
        }
    }

    /// Compresses a body for sending with `Content-Encoding: encoding` (`gzip` or `deflate`; `identity`
    /// returns it as is). The load generator and tests use it; the server only decodes.
    public static func encode(_ body: ByteBuffer, encoding: String) throws(WireError) -> ByteBuffer {
        let algorithm: CompressionAlgorithm
        switch encoding.trimmingWhitespace().lowercased() {
        case "", "identity": return body
        case "gzip", "x-gzip": algorithm = .gzip()
        case "deflate": algorithm = .zlib()
        default:
            throw WireError(.unsupportedEncoding, "cannot compress with \"\(encoding)\"; use gzip, deflate or identity")
        }
        var input = body
        let compressor = algorithm.compressor
        do {
            try compressor.startStream()
            defer { try? compressor.finishStream() }
            var output = ByteBufferAllocator().buffer(capacity: compressor.maxSize(from: input))
            try compressor.streamDeflate(from: &input, to: &output, flush: .finish)
            return output
        } catch {
            throw .malformed("\(encoding) compression failed: \(error)")
        }
    }
}
