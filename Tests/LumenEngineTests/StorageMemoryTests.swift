import Foundation
import LumenModel
import Testing

@testable import LumenEngine

/// What the store gives back once a head cut or a compaction is done (docs/BENCHMARKS.md, "Memory after load").
struct StorageMemoryTests {
    typealias F = StorageFixtures

    @Test func aHeadCutReleasesTheHeadItWrote() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? storage.close() }
        try await storage.append(F.batch(traces: 200))
        weak var cut = storage.head
        #expect(cut != nil && cut?.isEmpty == false)

        try await storage.flush()
        #expect(storage.blocks.count == 1)
        #expect(cut == nil, "nothing keeps the head that was written into a block")
    }
}
