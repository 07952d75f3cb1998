import Foundation
import LumenModel
import Testing
@testable import LumenEngine

/// Damage to a block's files is reported with the file and the byte offset, at open or at query time.
struct MetricBlockCorruptionTests {
    private func damagedBlock(_ file: String, _ damage: (inout [UInt8]) -> Void) throws -> (String, String) {
        let scratch = try MetricBlockFixtures.scratchDirectory()
        let directory = scratch + "/block"
        try MetricPartWriter().write(MetricBlockFixtures.small, to: directory)
        let path = directory + "/" + file
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        damage(&bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (scratch, directory)
    }

    private func queryAll(_ directory: String) throws {
        _ = try MetricPartReader(directory: directory).series(matching: [], from: .min, to: .max)
    }

    @Test func aFlippedChunkByteIsCaughtByItsChecksumWithTheChunksOffset() throws {
        let (scratch, directory) = try damagedBlock("chunks") { $0[MetricPart.headerSize + 3] ^= 0x40 }
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let error = try #require(throws: BlockError.self) { try queryAll(directory) }
        #expect(error.code == .corrupt)
        #expect(error.path == directory + "/chunks")
        #expect(error.offset == MetricPart.headerSize, "the first chunk's record starts right after the header")
    }

    @Test func everyFlippedIndexByteIsRejectedAtOpenWithTheIndexPath() throws {
        let scratch = try MetricBlockFixtures.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try MetricPartWriter().write(MetricBlockFixtures.small, to: scratch + "/good")
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: scratch + "/good/index")))
        // Every byte but the header's reserved ones (5..<8), which readers ignore.
        for position in stride(from: 0, to: good.count, by: 7) where !(5..<8).contains(position) {
            let directory = scratch + "/b\(position)"
            try FileManager.default.copyItem(atPath: scratch + "/good", toPath: directory)
            var bytes = good
            bytes[position] ^= 0x01
            try Data(bytes).write(to: URL(fileURLWithPath: directory + "/index"))
            let error = try #require(throws: BlockError.self, "flip at \(position)") {
                _ = try MetricPartReader(directory: directory)
            }
            #expect(error.path == directory + "/index")
            #expect(error.offset != nil)
        }
    }

    @Test func aTruncatedIndexOrChunksFileIsRejected() throws {
        let (scratch, directory) = try damagedBlock("index") { $0.removeLast(5) }
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        #expect(throws: BlockError.self) { _ = try MetricPartReader(directory: directory) }
        let (scratch2, directory2) = try damagedBlock("chunks") { $0.removeLast(5) }
        defer { try? FileManager.default.removeItem(atPath: scratch2) }
        let error = try #require(throws: BlockError.self) { try queryAll(directory2) }
        #expect(error.path == directory2 + "/chunks")
    }

    @Test func aNewerFormatVersionIsRefused() throws {
        let (scratch, directory) = try damagedBlock("index") { $0[4] = 99 }
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let error = try #require(throws: BlockError.self) { _ = try MetricPartReader(directory: directory) }
        #expect(error.code == .unsupportedVersion)
        #expect(error.offset == 4)
    }
}
