import Foundation
import LumenModel
import Testing

@testable import LumenEngine

/// What a crash at each step of a head cut or a compaction leaves behind, and that opening the store makes it
/// whole again: every acknowledged record present exactly once. (The interop suite also kills a real server
/// mid-flush; these tests stage each step's leftovers exactly.)
struct StorageCrashTests {
    typealias F = StorageFixtures

    /// Copies the store directory as a crash at this moment would leave it (every file written so far was fsynced).
    private func snapshot(_ directory: String) throws -> String {
        let copy = F.scratch()
        try FileManager.default.copyItem(atPath: directory, toPath: copy)
        return copy
    }

    @Test func aCrashBeforeTheCheckpointReplaysTheLogAndDropsTheCutsBlocks() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        try await storage.append(F.batch(traces: 30))
        let expected = F.everything(storage)
        let walBefore = try snapshot(directory + "/wal")
        defer { try? FileManager.default.removeItem(atPath: walBefore) }
        try await storage.flush()
        try storage.close()
        // The block is in place but the log and checkpoint are as they were before the cut: a crash between them.
        try FileManager.default.removeItem(atPath: directory + "/blocks/checkpoint")
        try FileManager.default.removeItem(atPath: directory + "/wal")
        try FileManager.default.copyItem(atPath: walBefore, toPath: directory + "/wal")
        try FileManager.default.createDirectory(atPath: directory + "/blocks/01JUNKUNFINISHEDBLOCK0000.tmp",
            withIntermediateDirectories: true)

        let reopened = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? reopened.close() }
        #expect(reopened.blocks.isEmpty, "the cut's block is removed: the log still holds its records")
        #expect(F.everything(reopened) == expected)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory + "/blocks")
        #expect(!leftovers.contains { $0.hasSuffix(".tmp") })
    }

    @Test func aCrashBeforeACompactionDeletesItsSourcesKeepsOneCopy() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = StorageOptions()
        options.compactionMinBlocks = 2
        let storage = try Storage(directory: directory, options: options, logger: F.quietLogger)
        for round in 0..<2 {
            try await storage.append(F.batch(traces: 10, offset: Int64(round) * 50 * F.second))
            try await storage.flush()
        }
        let expected = F.everything(storage)
        let sources = try snapshot(directory + "/blocks")
        defer { try? FileManager.default.removeItem(atPath: sources) }
        try await storage.maintain(now: F.base)
        #expect(storage.blocks.count == 1)
        try storage.close()
        // Put the sources back, as if the process died after renaming the merged block into place.
        for name in try FileManager.default.contentsOfDirectory(atPath: sources) where BlockID(name) != nil {
            try FileManager.default.copyItem(atPath: sources + "/" + name, toPath: directory + "/blocks/" + name)
        }

        let reopened = try Storage(directory: directory, options: options, logger: F.quietLogger)
        defer { try? reopened.close() }
        #expect(reopened.blocks.count == 1)
        #expect(F.everything(reopened) == expected)
    }
}
