import Foundation
import LumenModel
import Testing
@testable import LumenEngine

/// Pins the record format: if this fails, the bytes on disk changed. If that was deliberate, bump
/// `BatchRecord.version`, update `docs/format/wal.md`, and regenerate with `LUMEN_UPDATE_GOLDEN=1 swift test`.
@Suite(.serialized)
struct BatchRecordGoldenTests {
    private static let goldenPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden/batch-v\(BatchRecord.version).bin").path

    @Test func encodingTheFixtureGivesTheCommittedBytes() throws {
        let encoded = BatchRecord.encode(BatchRecordFixtures.rich)
        if ProcessInfo.processInfo.environment["LUMEN_UPDATE_GOLDEN"] == "1" {
            try Data(encoded).write(to: URL(fileURLWithPath: Self.goldenPath))
        }
        let golden = try #require(FileManager.default.contents(atPath: Self.goldenPath),
            "missing \(Self.goldenPath); create it with LUMEN_UPDATE_GOLDEN=1")
        #expect(Array(golden) == encoded, "the batch record format changed; see BatchRecordGoldenTests")
    }

    @Test func theCommittedBytesDecodeToTheFixture() throws {
        let golden = try #require(FileManager.default.contents(atPath: Self.goldenPath))
        #expect(try BatchRecord.decode(Array(golden)) == BatchRecordFixtures.rich)
    }

    /// A log written before exemplars were stored still replays: version 1 is version 2 without exemplars.
    @Test func aVersion1RecordDecodesWithoutExemplars() throws {
        let path = URL(fileURLWithPath: Self.goldenPath).deletingLastPathComponent()
            .appendingPathComponent("batch-v1.bin").path
        let golden = try #require(FileManager.default.contents(atPath: path))
        var expected = BatchRecordFixtures.rich
        expected.series.removeAll { !$0.exemplars.isEmpty }
        #expect(try BatchRecord.decode(Array(golden)) == expected)
    }
}
