import Foundation
import LumenWire
import NIOCore
import Testing

/// `max_body_bytes` holds to the byte for every encoding: a body that decodes to exactly the limit is accepted,
/// one byte more is `.tooLarge`. (Issue 17 item 9: a gzip body inflating to 22,020,506 bytes passed a 20 MiB
/// limit, because the inflated size was only checked against buffers rounded up to a power of two.)
struct BodyLimitTests {
    /// Text that compresses but not to nothing, so the compressed size is far from the limit.
    private static func body(_ size: Int) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        var state: UInt32 = 12345
        for _ in 0..<size {
            state = state &* 1_103_515_245 &+ 12345
            buffer.writeInteger(UInt8(ascii: "a") + UInt8((state >> 16) % 16))
        }
        return buffer
    }

    private func outcome(_ body: ByteBuffer, encoding: String?, limit: Int) -> Result<Int, WireError> {
        Result { () throws(WireError) in try ContentEncoding.decode(body, encoding: encoding, limit: limit).readableBytes }
    }

    @Test(arguments: ["identity", "gzip", "deflate"], [1, 1000, 65_536, 1 << 20, 3_000_001])
    func aBodyOfExactlyTheLimitIsAcceptedAndOneByteMoreIsTooLarge(encoding: String, limit: Int) throws {
        let atLimit = try ContentEncoding.encode(Self.body(limit), encoding: encoding)
        let overLimit = try ContentEncoding.encode(Self.body(limit + 1), encoding: encoding)
        #expect(try outcome(atLimit, encoding: encoding, limit: limit).get() == limit)
        #expect(throws: WireError.self) { try outcome(overLimit, encoding: encoding, limit: limit).get() }
        if case .failure(let error) = outcome(overLimit, encoding: encoding, limit: limit) {
            #expect(error.kind == .tooLarge)
            #expect(error.message.contains("limit of \(limit) bytes"))
        }
    }

    /// The case of the report: 20 MiB of limit, a gzip body inflating to 22,020,506 bytes.
    @Test func aGzipBodyOfTwentyOneMebibytesIsRefusedUnderTwentyMebibytes() throws {
        let limit = 20 << 20
        let body = try ContentEncoding.encode(Self.body(22_020_506), encoding: "gzip")
        #expect(throws: WireError.tooLarge("gzip body inflates to more than the limit of \(limit) bytes")) {
            try ContentEncoding.decode(body, encoding: "gzip", limit: limit)
        }
    }

    @Test(arguments: [1, 1000, 1 << 20])
    func aSnappyBlockOfExactlyTheLimitIsAcceptedAndOneByteMoreIsTooLarge(limit: Int) throws {
        let atLimit = Snappy.compress(Array(Self.body(limit).readableBytesView))
        let overLimit = Snappy.compress(Array(Self.body(limit + 1).readableBytesView))
        #expect(try Snappy.decompress(atLimit, limit: limit).count == limit)
        do {
            _ = try Snappy.decompress(overLimit, limit: limit)
            Issue.record("a snappy block of \(limit + 1) bytes passed a limit of \(limit)")
        } catch {
            #expect(error.kind == .tooLarge)
        }
    }

    // MARK: Multi-member gzip (RFC 1952 §2.2)

    @Test func aMultiMemberGzipBodyDecodesToItsMembersConcatenated() throws {
        let first = Self.body(5000), second = Self.body(7000)
        var body = try ContentEncoding.encode(first, encoding: "gzip")
        var member = try ContentEncoding.encode(second, encoding: "gzip")
        body.writeBuffer(&member)
        var expected = first
        expected.writeImmutableBuffer(second)
        #expect(try ContentEncoding.decode(body, encoding: "gzip", limit: 1 << 20) == expected)
    }

    @Test func theLimitCountsEveryMemberOfAGzipBody() throws {
        var body = try ContentEncoding.encode(Self.body(600), encoding: "gzip")
        var member = try ContentEncoding.encode(Self.body(400), encoding: "gzip")
        body.writeBuffer(&member)
        #expect(try ContentEncoding.decode(body, encoding: "gzip", limit: 1000).readableBytes == 1000)
        #expect(throws: WireError.tooLarge("gzip body inflates to more than the limit of 999 bytes")) {
            try ContentEncoding.decode(body, encoding: "gzip", limit: 999)
        }
    }

    @Test func aGzipBodyCutInsideItsSecondMemberIsMalformed() throws {
        var body = try ContentEncoding.encode(Self.body(600), encoding: "gzip")
        var member = try ContentEncoding.encode(Self.body(400), encoding: "gzip")
        body.writeBuffer(&member)
        body.moveWriterIndex(to: body.writerIndex - 3)
        do {
            _ = try ContentEncoding.decode(body, encoding: "gzip", limit: 1 << 20)
            Issue.record("a truncated second member was accepted")
        } catch {
            #expect(error.kind == .malformed)
            #expect(error.message.contains("member 2"))
        }
    }

    @Test func aGzipMemberWithABadChecksumIsMalformed() throws {
        var body = try ContentEncoding.encode(Self.body(600), encoding: "gzip")
        let crc = body.writerIndex - 8
        body.setInteger(body.getInteger(at: crc, as: UInt8.self)! ^ 0xff, at: crc)
        do {
            _ = try ContentEncoding.decode(body, encoding: "gzip", limit: 1 << 20)
            Issue.record("a wrong CRC-32 was accepted")
        } catch {
            #expect(error.kind == .malformed)
        }
    }

    @Test func bytesAfterTheEndOfADeflateStreamAreMalformed() throws {
        var body = try ContentEncoding.encode(Self.body(600), encoding: "deflate")
        body.writeString("trailing")
        #expect(throws: WireError.self) { try ContentEncoding.decode(body, encoding: "deflate", limit: 1 << 20) }
    }
}
