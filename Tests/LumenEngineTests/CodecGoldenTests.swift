import Foundation
import LumenModel
import Testing
@testable import LumenEngine

/// Pins the chunk format, one golden file per encoding: if this fails, the bytes on disk changed. If that
/// was deliberate, update `docs/format/chunks.md` and regenerate with
/// `LUMEN_UPDATE_GOLDEN=1 swift test --filter CodecGoldenTests`.
@Suite(.serialized)
struct CodecGoldenTests {
    private static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    private static let second = Timestamp.nanosecondsPerSecond
    private static let ms = Timestamp.nanosecondsPerMillisecond

    /// Golden name → samples and the encodings they must get.
    static let fixtures: [(name: String, samples: [Sample], time: ChunkFormat.TimeEncoding, value: ChunkFormat.ValueEncoding)] = {
        let regular = CodecFixtures.regularTimes(12)
        let jittered = regular.enumerated().map { $0.element + Int64([0, 3, -2, 0, 0, 1, 0, 0, -1, 0, 2, 0][$0.offset]) * ms }
        let stale = Double(bitPattern: Sample.staleMarkerBits)
        return [
            ("chunk-constant.bin", CodecFixtures.samples(regular, Array(repeating: 1, count: 12)), .regular, .constant),
            ("chunk-xor.bin", CodecFixtures.samples(jittered, [0.5, 0.25, .nan, .infinity, -.infinity, stale, -0.0, 1e-300,
                3.141592653589793, 3.141592653589793, 2.718281828459045, 1.4142135623730951]), .deltaOfDelta, .xor),
            ("chunk-decimal-delta.bin", CodecFixtures.samples(jittered, [1.5, 7.25, 3, 100, 99.75, 50, 12, 12, 13, 1000, 2, 0]),
                .deltaOfDelta, .decimal),
            ("chunk-decimal-dod.bin", CodecFixtures.samples(regular, [100, 110.01, 120.03, 130.02, 140.04, 150.05, 160.05,
                170.07, 180.06, 190.08, 200.09, 210.1]), .regular, .decimal),
            ("chunk-decimal-step.bin", CodecFixtures.samples(regular, (0..<12).map { 2.5 + Double($0) * 0.5 }), .regular, .decimalStep),
            ("chunk-decimal-exceptions.bin", CodecFixtures.samples(regular, [9.636, 9.636000000000001, 9.665, 9.681000000000001,
                9.7, 9.7, 9.75, 9.8, 9.85, 9.9, 9.95, 1e22]), .regular, .decimal),
            ("chunk-time-ns.bin", (0..<12).map { Sample(timestamp: 1_000_000_007 + Int64($0 * $0) * 13, value: Double($0)) },
                .deltaOfDelta, .decimalStep),
        ]
    }()

    @Test func encodingEachFixtureGivesTheCommittedBytes() throws {
        for fixture in Self.fixtures {
            let chunk = MetricChunk(encoding: fixture.samples)
            #expect(chunk.timeEncoding == fixture.time, "\(fixture.name)")
            #expect(chunk.valueEncoding == fixture.value, "\(fixture.name)")
            let path = Self.golden.appendingPathComponent(fixture.name).path
            if ProcessInfo.processInfo.environment["LUMEN_UPDATE_GOLDEN"] == "1" {
                try Data(chunk.bytes).write(to: URL(fileURLWithPath: path))
            }
            let committed = try #require(FileManager.default.contents(atPath: path), "missing \(path)")
            #expect(Array(committed) == chunk.bytes, "\(fixture.name): the chunk format changed; see CodecGoldenTests")
        }
    }

    @Test func theCommittedBytesDecodeToEachFixture() throws {
        for fixture in Self.fixtures {
            let committed = try #require(FileManager.default.contents(atPath: Self.golden.appendingPathComponent(fixture.name).path))
            #expect(try MetricChunk(bytes: Array(committed)).samples() == fixture.samples, "\(fixture.name)")
        }
    }
}
