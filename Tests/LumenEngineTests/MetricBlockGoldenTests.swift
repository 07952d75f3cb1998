import Foundation
import LumenModel
import Testing
@testable import LumenEngine

/// Pins the block format: if this fails, the bytes on disk changed. If that was deliberate, bump
/// `MetricPart.version`, update `docs/format/index.md`, and regenerate with
/// `LUMEN_UPDATE_GOLDEN=1 swift test --filter MetricBlockGoldenTests`.
@Suite(.serialized)
struct MetricBlockGoldenTests {
    private static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    private static let files = [
        (MetricPart.chunksFileName, "block-v2-chunks.bin"), (MetricPart.indexFileName, "block-v2-index.bin"),
        (MetricPart.metaFileName, "block-v2-meta.json"),
    ]
    /// Version 1, before the index recorded the tenant: still read.
    private static let version1Files = [
        (MetricPart.chunksFileName, "block-chunks.bin"), (MetricPart.indexFileName, "block-index.bin"),
        (MetricPart.metaFileName, "block-meta.json"),
    ]
    private static let tenant = Tenant("golden")!

    @Test func writingTheFixtureGivesTheCommittedFiles() throws {
        let scratch = try MetricBlockFixtures.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try MetricPartWriter().write(
            MetricBlockFixtures.small, to: scratch + "/part", id: MetricBlockFixtures.fixedID, tenant: Self.tenant)
        for (name, golden) in Self.files {
            let bytes = Array(try #require(FileManager.default.contents(atPath: scratch + "/part/" + name)))
            let path = Self.golden.appendingPathComponent(golden).path
            if ProcessInfo.processInfo.environment["LUMEN_UPDATE_GOLDEN"] == "1" {
                try Data(bytes).write(to: URL(fileURLWithPath: path))
            }
            let committed = try #require(FileManager.default.contents(atPath: path), "missing \(path)")
            #expect(Array(committed) == bytes, "\(golden) changed; see MetricBlockGoldenTests")
        }
    }

    @Test func theCommittedFilesReadBackAsTheFixture() throws {
        let reader = try readBack(Self.files)
        #expect(reader.tenant == Self.tenant.id)
    }

    @Test func version1FilesStillReadBackAsTheFixture() throws {
        let reader = try readBack(Self.version1Files)
        #expect(reader.tenant == nil)
    }

    private func readBack(_ files: [(String, String)]) throws -> MetricPartReader {
        let scratch = try MetricBlockFixtures.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for (name, golden) in files {
            try FileManager.default.copyItem(atPath: Self.golden.appendingPathComponent(golden).path, toPath: scratch + "/" + name)
        }
        let reader = try MetricPartReader(directory: scratch)
        #expect(reader.meta.id == MetricBlockFixtures.fixedID.description)
        let all = try reader.series(matching: [], from: .min, to: .max)
        let expected = MetricBlockFixtures.small.sorted { $0.labels < $1.labels }
        #expect(all.map(\.labels) == expected.map(\.labels))
        #expect(all.map(\.samples) == expected.map(\.samples))
        return reader
    }
}
