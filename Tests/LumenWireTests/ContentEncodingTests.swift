import CompressNIO
import Foundation
import LumenModel
import LumenWire
import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

struct ContentEncodingTests {
    static let body = Fixtures.buffer(OTLPEncoder.body(OTLPEncoder.traces(Fixtures.spans), format: .protobuf))

    @Test(arguments: ["gzip", "deflate", "GZIP"])
    func compressedBodiesDecodeToTheOriginal(encoding: String) throws {
        let compressed = try ContentEncoding.encode(Self.body, encoding: encoding)
        #expect(compressed != Self.body)
        let decoded = try ContentEncoding.decode(compressed, encoding: encoding, limit: 1 << 20)
        #expect(decoded == Self.body)
    }

    @Test func gzippedOTLPRequestDecodesEndToEnd() throws {
        let compressed = try ContentEncoding.encode(Self.body, encoding: "gzip")
        let plain = try ContentEncoding.decode(compressed, encoding: "gzip", limit: 1 << 20)
        let result = try OTLPDecoder.decode(
            .traces, body: plain, format: .protobuf, tenant: Fixtures.tenant, receivedAt: Fixtures.receivedAt)
        #expect(result.batch.spans == Fixtures.spans)
    }

    @Test func rawDeflateIsAcceptedAsDeflate() throws {
        var input = Self.body
        let raw = try input.compress(with: .deflate())
        #expect(try ContentEncoding.decode(raw, encoding: "deflate", limit: 1 << 20) == Self.body)
    }

    @Test(arguments: [nil, "", "identity"])
    func identityReturnsTheBodyAsItIs(encoding: String?) throws {
        #expect(try ContentEncoding.decode(Self.body, encoding: encoding, limit: 1 << 20) == Self.body)
    }

    @Test func anUncompressedBodyOverTheLimitIsTooLarge() throws {
        #expect(throws: WireError(.tooLarge, "request body is \(Self.body.readableBytes) bytes, over the limit of 10 bytes")) {
            try ContentEncoding.decode(Self.body, encoding: nil, limit: 10)
        }
    }

    @Test(arguments: ["br", "zstd", "compress"])
    func unknownEncodingsAreUnsupported(encoding: String) throws {
        do {
            _ = try ContentEncoding.decode(Self.body, encoding: encoding, limit: 1 << 20)
            Issue.record("\(encoding) was accepted")
        } catch {
            #expect(error.kind == .unsupportedEncoding)
            #expect(error.message.contains(encoding))
        }
    }

    @Test func corruptGzipIsMalformed() throws {
        do {
            _ = try ContentEncoding.decode(Fixtures.buffer("definitely not gzip"), encoding: "gzip", limit: 1 << 20)
            Issue.record("corrupt gzip was accepted")
        } catch {
            #expect(error.kind == .malformed)
        }
    }

    /// 256 MiB of zeros in about 256 KiB of gzip must fail at the 1 MiB limit, without the process ever
    /// holding anything near the inflated size.
    @Test func gzipBombIsTooLargeWithoutInflatingItAll() throws {
        let bomb = try Self.gzippedZeros(megabytes: 256)
        #expect(bomb.readableBytes < 1 << 20)
        let peakBefore = Self.peakResidentBytes()
        do {
            _ = try ContentEncoding.decode(bomb, encoding: "gzip", limit: 1 << 20)
            Issue.record("the bomb was inflated")
        } catch {
            #expect(error.kind == .tooLarge)
            #expect(error.message.contains("limit of 1048576 bytes"))
        }
        #expect(Self.peakResidentBytes() - peakBefore < 64 << 20)
    }

    private static func gzippedZeros(megabytes: Int) throws -> ByteBuffer {
        let compressor = CompressionAlgorithm.gzip().compressor
        try compressor.startStream()
        defer { try? compressor.finishStream() }
        let zeros = ByteBuffer(repeating: 0, count: 1 << 20)
        var output = ByteBufferAllocator().buffer(capacity: 1 << 20)
        for index in 0..<megabytes {
            var chunk = zeros
            try chunk.compressStream(to: &output, with: compressor, flush: index == megabytes - 1 ? .finish : .no)
        }
        return output
    }

    private static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }
}
