import CompressNIO
import NIOCore

/// Undoes an HTTP `Content-Encoding` before a body is decoded.
public enum ContentEncoding {
    /// The encodings `decode` understands, for an `Accept-Encoding` style answer.
    public static let supported = ["gzip", "deflate", "identity"]

    /// Returns the decoded body. `nil`, empty or `identity` returns the body as it is (still held to `limit`);
    /// `gzip` and `deflate` (zlib, or raw deflate as some clients send) are inflated.
    ///
    /// `limit` bounds the *decoded* size and is enforced while inflating, in growing steps, so a small
    /// compressed bomb fails with `.tooLarge` after allocating about `limit` bytes, never the full output.
    public static func decode(_ body: ByteBuffer, encoding: String?, limit: Int) throws(WireError) -> ByteBuffer {
        let name = (encoding ?? "").trimmingWhitespace().lowercased()
        switch name {
        case "", "identity":
            guard body.readableBytes <= limit else {
                throw .tooLarge("request body is \(body.readableBytes) bytes, over the limit of \(limit) bytes")
            }
            return body
        case "gzip", "x-gzip":
            let inflated = try inflate(body, with: .gzip(), name: "gzip", limit: limit)
            try checkGzipTrailer(body, inflatedSize: inflated.readableBytes)
            return inflated
        case "deflate":
            do {
                return try inflate(body, with: .zlib(), name: "deflate", limit: limit)
            } catch where error.kind == .malformed {
                return try inflate(body, with: .deflate(), name: "deflate", limit: limit)
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

    /// zlib stops quietly at the end of its input, so a truncated stream would pass as a short body. A gzip
    /// member ends with the uncompressed size (ISIZE, little-endian, mod 2³²): it must match what came out.
    private static func checkGzipTrailer(_ body: ByteBuffer, inflatedSize: Int) throws(WireError) {
        let minimumMember = 18  // 10-byte header + 8-byte trailer
        guard body.readableBytes >= minimumMember,
            let size = body.getInteger(at: body.readerIndex + body.readableBytes - 4, endianness: .little, as: UInt32.self),
            size == UInt32(truncatingIfNeeded: inflatedSize)
        else {
            throw .malformed("gzip body is truncated or corrupt: its trailer does not match the \(inflatedSize) bytes it inflates to")
        }
    }

    private static func inflate(
        _ body: ByteBuffer, with algorithm: CompressionAlgorithm, name: String, limit: Int
    ) throws(WireError) -> ByteBuffer {
        var input = body
        do {
            return try input.decompress(with: algorithm, maxSize: limit)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw .tooLarge("\(name) body inflates to more than the limit of \(limit) bytes")
        } catch {
            throw .malformed("\(name) body could not be inflated: \(error)")
        }
    }
}
