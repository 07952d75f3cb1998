import Foundation
import LumenModel
import Testing

@testable import LumenEngine

/// Damage to the checkpoint never costs a block: a finished cut's block is the only copy of its data once its
/// log segments are gone, so a missing, empty or garbled checkpoint is rebuilt from the blocks, not taken as
/// "no cut finished" (which removed every block: 600 of 600 records lost in the hardening probe).
struct StorageCheckpointLossTests {
    typealias F = StorageFixtures

    @Test(arguments: ["missing", "empty", "garbage"])
    func aDamagedCheckpointKeepsEveryBlockAndIsRebuilt(_ damage: String) async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        try await storage.append(F.batch(traces: 30))
        try await storage.flush()
        try await storage.append(F.batch(traces: 5, offset: 100 * F.second))
        let expected = F.everything(storage)
        try storage.close()
        #expect(storage.blocks.count == 1)

        let checkpoint = directory + "/blocks/checkpoint"
        switch damage {
        case "missing": try FileManager.default.removeItem(atPath: checkpoint)
        case "empty": try Data().write(to: URL(fileURLWithPath: checkpoint))
        default: try Data([0xde, 0xad, 0xbe, 0xef, 0x0a]).write(to: URL(fileURLWithPath: checkpoint))
        }

        let reopened = try Storage(directory: directory, logger: F.quietLogger)
        #expect(reopened.blocks.count == 1)
        #expect(F.everything(reopened) == expected)
        try reopened.close()
        // The rebuilt checkpoint holds: a second restart finds the same.
        #expect(Storage.readCheckpoint(in: directory + "/blocks") > 0)
        let again = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? again.close() }
        #expect(F.everything(again) == expected)
    }
}
