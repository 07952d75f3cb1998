import CCompressZlib
import NIOCore

/// Inflates a gzip, zlib or raw deflate body with zlib, under a limit that holds to the byte.
///
/// The output never grows past `limit + 1` bytes: zlib is handed at most the room left before the limit plus
/// one byte, so a body that inflates to `limit` bytes is returned and one that inflates to `limit + 1` bytes
/// (or a bomb of any size) fails with `.tooLarge` having allocated about `limit` bytes.
///
/// A gzip body may hold several members one after another (RFC 1952 §2.2, what `cat a.gz b.gz` makes): they
/// are inflated in turn and concatenated, the limit counting their total. zlib checks each member's CRC-32 and
/// length; a body that ends inside a member, or bytes after the end of a zlib or raw deflate stream, are
/// malformed.
enum Inflater {
    enum Format {
        case gzip, zlib, rawDeflate

        /// zlib's `windowBits` for `inflateInit2`: 15 is the largest window, +16 reads the gzip wrapper, a
        /// negative value no wrapper at all.
        var windowBits: Int32 {
            switch self {
            case .gzip: 15 + 16
            case .zlib: 15
            case .rawDeflate: -15
            }
        }
    }

    /// - Parameter name: the encoding as the sender named it, for messages.
    static func inflate(_ body: ByteBuffer, format: Format, limit: Int, name: String) throws(WireError) -> ByteBuffer {
        var stream = z_stream()
        guard CCompressZlib_inflateInit2(&stream, format.windowBits) == Z_OK else {
            throw .malformed("\(name) body could not be inflated: zlib could not start a stream")
        }
        defer { inflateEnd(&stream) }

        let ceiling = limit == .max ? limit : limit + 1  // what zlib may write: one byte past the limit shows it
        let input = Array(body.readableBytesView)
        var output = ByteBufferAllocator().buffer(capacity: min(ceiling, max(64 << 10, input.count * 4)))
        var consumed = 0
        var member = 1
        while true {
            if output.writableBytes == 0 {
                output.reserveCapacity(minimumWritableBytes: min(output.capacity, ceiling - output.readableBytes))
            }
            let room = min(output.writableBytes, ceiling - output.readableBytes, Int(UInt32.max))
            let offered = min(input.count - consumed, Int(UInt32.max))
            let (status, read, written) = input.withUnsafeBytes { input in
                output.withUnsafeMutableWritableBytes { output in
                    stream.next_in = UnsafeMutablePointer(
                        mutating: input.baseAddress?.advanced(by: consumed).assumingMemoryBound(to: Bytef.self))
                    stream.avail_in = UInt32(offered)
                    stream.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = UInt32(room)
                    let status = CCompressZlib.inflate(&stream, Z_NO_FLUSH)
                    return (status, offered - Int(stream.avail_in), room - Int(stream.avail_out))
                }
            }
            consumed += read
            output.moveWriterIndex(forwardBy: written)
            guard output.readableBytes <= limit else {
                throw .tooLarge("\(name) body inflates to more than the limit of \(limit) bytes")
            }
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END where consumed == input.count:
                return output
            case Z_STREAM_END where format == .gzip:
                member += 1
                guard inflateReset(&stream) == Z_OK else {
                    throw .malformed("\(name) body could not be inflated: zlib could not start member \(member)")
                }
            case Z_STREAM_END:
                throw .malformed("\(name) body has \(input.count - consumed) bytes after the end of its stream")
            case Z_BUF_ERROR where consumed == input.count:
                let which = format == .gzip ? " in member \(member)" : ""
                throw .malformed("\(name) body is truncated: it ends\(which) before the end of its compressed stream")
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                let which = format == .gzip ? " (member \(member), byte \(consumed))" : " (byte \(consumed))"
                throw .malformed("\(name) body could not be inflated\(which): \(reason)")
            }
        }
    }
}
