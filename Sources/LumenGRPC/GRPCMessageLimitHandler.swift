import LumenServer
import LumenWire
import NIOCore
import NIOHPACK
import NIOHTTP2

/// Holds every request message of one gRPC stream to the body limit, to the byte, and refuses one over it with
/// a status a client can read: `RESOURCE_EXHAUSTED` and a message naming the limit.
///
/// grpc-swift-nio-transport enforces `maxRequestPayloadSize` itself but answers a message over it, or a
/// compressed one that inflates past it, by resetting the stream (`RST_STREAM`), which clients report as
/// CANCELLED or INTERNAL with no reason. This handler sits in front of the transport's stream handler and reads
/// the gRPC framing (a compressed flag and a 4-byte length before each message):
/// - a message whose stated length is over the limit is refused from its first five bytes;
/// - a compressed message (`grpc-encoding` gzip or deflate) is held until complete and inflated here under the
///   limit (`ContentEncoding`), then passed on uncompressed (flag 0), so the transport never inflates a bomb;
/// - everything else passes through untouched.
///
/// A refusal writes trailers-only (`grpc-status`, `grpc-message`), then `RST_STREAM(NO_ERROR)` to stop the
/// client sending the rest (RFC 9113 §8.1), and drops what follows. One instance a stream; event-loop bound.
final class GRPCMessageLimitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias InboundOut = HTTP2Frame.FramePayload
    typealias OutboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private enum State {
        /// Reading a message's 5-byte prefix, kept in `pending`.
        case prefix
        /// Passing on `remaining` bytes of an uncompressed message.
        case passing(remaining: Int)
        /// Holding a compressed message of `length` bytes, its prefix and what came of it in `pending`.
        case holding(length: Int)
        /// Refused: the answer is written, the rest of the stream is dropped.
        case refused
    }

    private static let prefixBytes = 5

    private let limit: Int
    private let onRefused: @Sendable (IngestRefusal) -> Void
    private var state = State.prefix
    private var pending = ByteBuffer()
    private var encoding: String?

    /// - Parameter onRefused: called once for each stream refused, to count it.
    init(limit: Int, onRefused: @escaping @Sendable (IngestRefusal) -> Void) {
        self.limit = limit
        self.onRefused = onRefused
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let payload = unwrapInboundIn(data)
        switch payload {
        case .headers(let headers):
            if encoding == nil { encoding = headers.headers.first(name: "grpc-encoding")?.lowercased() ?? "identity" }
            context.fireChannelRead(data)
        case .data(let frame):
            guard case .byteBuffer(var bytes) = frame.data else { return context.fireChannelRead(data) }
            if case .refused = state { return }
            var forward = context.channel.allocator.buffer(capacity: bytes.readableBytes)
            while bytes.readableBytes > 0 {
                guard consume(&bytes, into: &forward, context: context) else { return }
            }
            if frame.endStream, case .holding = state {
                // The stream ends inside a compressed message: pass it on as sent, for the transport to report.
                forward.writeBuffer(&pending)
            }
            guard forward.readableBytes > 0 || frame.endStream else { return }
            context.fireChannelRead(
                wrapInboundOut(.data(.init(data: .byteBuffer(forward), endStream: frame.endStream))))
        default:
            context.fireChannelRead(data)
        }
    }

    /// Reads from `bytes` what the current state wants, writing what passes to `forward`. Returns false once the
    /// stream is refused.
    private func consume(_ bytes: inout ByteBuffer, into forward: inout ByteBuffer, context: ChannelHandlerContext)
        -> Bool
    {
        switch state {
        case .prefix:
            var part = bytes.readSlice(length: min(Self.prefixBytes - pending.readableBytes, bytes.readableBytes))!
            pending.writeBuffer(&part)
            guard pending.readableBytes == Self.prefixBytes else { return true }
            let compressed = pending.getInteger(at: pending.readerIndex, as: UInt8.self) == 1
            let length = Int(pending.getInteger(at: pending.readerIndex + 1, as: UInt32.self)!)
            guard length <= limit else {
                refuse(IngestRefusal(.tooLarge,
                    "message is \(length) bytes, over the limit of \(limit) bytes (max_body_bytes)"), context: context)
                return false
            }
            if compressed, encoding == "gzip" || encoding == "deflate" {
                state = .holding(length: length)
                return release(into: &forward, context: context)
            }
            forward.writeBuffer(&pending)
            pending.clear()
            state = length == 0 ? .prefix : .passing(remaining: length)
        case .passing(let remaining):
            let count = min(remaining, bytes.readableBytes)
            var part = bytes.readSlice(length: count)!
            forward.writeBuffer(&part)
            state = remaining == count ? .prefix : .passing(remaining: remaining - count)
        case .holding(let length):
            var part = bytes.readSlice(
                length: min(Self.prefixBytes + length - pending.readableBytes, bytes.readableBytes))!
            pending.writeBuffer(&part)
            return release(into: &forward, context: context)
        case .refused:
            bytes.moveReaderIndex(to: bytes.writerIndex)
            return false
        }
        return true
    }

    /// Once the held message is complete, inflates it under the limit and writes it to `forward` uncompressed.
    private func release(into forward: inout ByteBuffer, context: ChannelHandlerContext) -> Bool {
        guard case .holding(let length) = state, pending.readableBytes == Self.prefixBytes + length else { return true }
        pending.moveReaderIndex(forwardBy: Self.prefixBytes)
        do {
            let message = try ContentEncoding.decode(pending, encoding: encoding, limit: limit)
            forward.writeInteger(UInt8(0))
            forward.writeInteger(UInt32(message.readableBytes))
            forward.writeImmutableBuffer(message)
        } catch {
            let text = error.message.replacingOccurrences(of: "body", with: "message")
            refuse(IngestRefusal(WireError(error.kind, error.kind == .tooLarge ? text + " (max_body_bytes)" : text)),
                context: context)
            return false
        }
        pending.clear()
        state = .prefix
        return true
    }

    private func refuse(_ refusal: IngestRefusal, context: ChannelHandlerContext) {
        state = .refused
        pending = ByteBuffer()
        onRefused(refusal)
        let trailers: HPACKHeaders = [
            ":status": "200", "content-type": "application/grpc", "grpc-status": String(refusal.grpcStatusCode),
            "grpc-message": Self.percentEncoded(refusal.message),
        ]
        context.write(wrapOutboundOut(.headers(.init(headers: trailers, endStream: true))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.rstStream(.noError)), promise: nil)
    }

    /// `grpc-message` is percent-encoded: bytes outside printable ASCII, and `%`, as `%XX` (gRPC over HTTP/2).
    static func percentEncoded(_ message: String) -> String {
        var encoded = ""
        for byte in message.utf8 {
            if byte >= 0x20 && byte <= 0x7e && byte != UInt8(ascii: "%") {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return encoded
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
