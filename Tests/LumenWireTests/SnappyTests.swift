import LumenWire
import Testing

struct SnappyTests {
    private func failure(_ bytes: [UInt8], limit: Int) -> WireError? {
        do {
            _ = try Snappy.decompress(bytes, limit: limit)
            return nil
        } catch {
            return error
        }
    }

    @Test func compressedBytesDecompressToTheOriginal() throws {
        let original = Array((0..<10_000).map { UInt8(truncatingIfNeeded: $0 * 7 % 251) })
        let compressed = Snappy.compress(original)
        #expect(compressed.count < original.count)
        #expect(try Snappy.decompress(compressed, limit: original.count) == original)
    }

    @Test func aBlockFromAnotherImplementationDecompresses() throws {
        // Length varint 5, then a literal tag ((5-1) << 2) and the five bytes: the block format's simplest form.
        let block: [UInt8] = [0x05, 0x10] + Array("hello".utf8)
        #expect(try Snappy.decompress(block, limit: 5) == Array("hello".utf8))
    }

    @Test func anEmptyInputRoundTrips() throws {
        let compressed = Snappy.compress([])
        #expect(compressed == [0x00])
        #expect(try Snappy.decompress(compressed, limit: 0) == [])
    }

    @Test func aNonContiguousCollectionIsAccepted() throws {
        let compressed = Snappy.compress(Array("lumen lumen lumen".utf8))
        #expect(try Snappy.decompress(compressed.lazy.map { $0 }, limit: 100) == Array("lumen lumen lumen".utf8))
    }

    @Test func aHeaderClaimingAGibibyteIsTooLargeBeforeAnythingIsAllocated() throws {
        // Varint 1 << 30 and no data at all: only the header is read, so the answer is tooLarge, not malformed.
        let bomb: [UInt8] = [0x80, 0x80, 0x80, 0x80, 0x04, 0x00]
        let error = try #require(failure(bomb, limit: 1 << 20))
        #expect(error.kind == .tooLarge)
        #expect(error.message.contains("1073741824 bytes"))
        #expect(error.message.contains("limit of 1048576 bytes"))
    }

    @Test func aRealBombOverTheLimitIsTooLarge() throws {
        let compressed = Snappy.compress([UInt8](repeating: 0, count: 4 << 20))
        #expect(compressed.count < 300_000)
        #expect(failure(compressed, limit: 1 << 20)?.kind == .tooLarge)
        #expect(try Snappy.decompress(compressed, limit: 4 << 20).count == 4 << 20)
    }

    @Test func aTruncatedBlockIsMalformed() throws {
        let compressed = Snappy.compress(Array((0..<1000).map { UInt8(truncatingIfNeeded: $0) }))
        let error = try #require(failure(Array(compressed.prefix(compressed.count / 2)), limit: 10_000))
        #expect(error.kind == .malformed)
        #expect(error.message.contains("snappy"))
    }

    @Test func anEmptyBodyAndAnInvalidHeaderAreMalformed() {
        #expect(failure([], limit: 100)?.kind == .malformed)
        // A varint that never ends (every byte has its continuation bit set).
        #expect(failure([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], limit: 100)?.kind == .malformed)
    }

    @Test func plainTextIsNotMistakenForSnappy() {
        #expect(failure(Array("{\"streams\": []}".utf8), limit: 1 << 20) != nil)
    }
}
