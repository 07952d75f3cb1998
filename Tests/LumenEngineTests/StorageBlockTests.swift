import Foundation
import LumenModel
import Testing

@testable import LumenEngine

/// The head cut into blocks: reads answer the same before and after, across restarts, compaction and retention.
struct StorageBlockTests {
    typealias F = StorageFixtures

    @Test func aFlushedStoreAnswersEveryReadAsTheHeadDid() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        try await storage.append(F.batch(traces: 50))
        let before = F.everything(storage)
        #expect(before.trace.count == 2 && before.traceLogs.count == 1 && before.series.count == 2)

        try await storage.flush()
        #expect(storage.head.isEmpty)
        #expect(storage.blocks.count == 1)
        #expect(F.everything(storage) == before)
        let segments = try FileManager.default.contentsOfDirectory(atPath: directory + "/wal")
        #expect(segments.isEmpty, "the log segments the block holds are released: \(segments)")
        try storage.close()

        let reopened = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? reopened.close() }
        #expect(reopened.head.isEmpty, "nothing already in a block is replayed")
        #expect(F.everything(reopened) == before)
    }
}
