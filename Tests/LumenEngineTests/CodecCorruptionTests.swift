import LumenModel
import Testing
@testable import LumenEngine

/// Damaged chunks fail with an error and an offset; they never crash the reader or decode silently short.
struct CodecCorruptionTests {
    private static func chunks() -> [MetricChunk] {
        var random = CodecFixtures.Random(seed: 9)
        let times = CodecFixtures.jitteredTimes(200, random: &random)
        return [
            CodecFixtures.cpuCounter(200, random: &random),
            (0..<200).map { _ in random.unit() },
            Array(repeating: 2.5, count: 200),
            (0..<200).map { Double($0) },
        ].map { MetricChunk(encoding: CodecFixtures.samples(times, $0)) }
    }

    private func decode(_ bytes: [UInt8]) throws(ChunkError) -> [Sample] {
        try MetricChunk(bytes: bytes).samples()
    }

    @Test func everyTruncationIsReportedAsAnError() {
        for chunk in Self.chunks() {
            for length in 0..<chunk.bytes.count {
                #expect(throws: ChunkError.self, "prefix of \(length) bytes, encoding \(chunk.encodingID)") {
                    try decode(Array(chunk.bytes[..<length]))
                }
            }
        }
    }

    @Test func flippedBitsNeverCrashTheDecoder() {
        var random = CodecFixtures.Random(seed: 11)
        var failures = 0
        var attempts = 0
        for chunk in Self.chunks() {
            for _ in 0..<300 {
                var bytes = chunk.bytes
                bytes[random.below(bytes.count)] ^= UInt8(1 << random.below(8))
                attempts += 1
                do {
                    let samples = try decode(bytes)
                    #expect(samples.count == chunk.count || samples.count == (try? MetricChunk(bytes: bytes))?.count)
                } catch {
                    failures += 1
                    #expect(error.offset >= 0 && error.offset <= bytes.count)
                }
            }
        }
        #expect(attempts == 1200)
        #expect(failures > 0, "some flips must be detected")
    }

    @Test func unknownEncodingsAreRejectedWithTheirOffset() throws {
        let chunk = MetricChunk(encoding: [Sample(timestamp: 0, value: 1)])
        var bytes = chunk.bytes
        bytes[2] = 9  // the value encoding byte follows the count (1 byte) and the time header
        let error = try #require(throws: ChunkError.self) { try decode(bytes) }
        #expect(error.offset == 2)
        bytes = chunk.bytes
        bytes[1] = 0x0f
        let timeError = try #require(throws: ChunkError.self) { try decode(bytes) }
        #expect(timeError.offset == 1)
    }
}
