import Foundation
import LumenModel
import Testing

@testable import LumenEngine

/// Damage to the store's files is contained, never spread. A finished cut's block is the only copy of its data
/// once its log segments are gone, so a missing, empty or garbled checkpoint is rebuilt from the blocks, not taken
/// as "no cut finished" (which removed every block: 600 of 600 records lost in the hardening probe); and a block
/// that cannot be opened is moved aside to `quarantine/`, never deleted, never fatal.
struct StorageDamageTests {
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

    @Test(arguments: ["garbled", "deleted"])
    func aBlockWhoseMetadataCannotBeReadIsQuarantinedAndTheRestServed(_ damage: String) async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        try await storage.append(F.batch(traces: 10))
        try await storage.flush()
        try await storage.append(F.batch(traces: 5, offset: 100 * F.second))
        let inHead = F.everything(storage)
        let block = try #require(storage.blocks.first)
        try storage.close()

        let meta = block.directory + "/meta.json"
        if damage == "deleted" {
            try FileManager.default.removeItem(atPath: meta)
        } else {
            try Data("{\"version\": \"not a block".utf8).write(to: URL(fileURLWithPath: meta))
        }
        let reopened = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? reopened.close() }
        #expect(reopened.blocks.isEmpty)
        let name = (block.directory as NSString).lastPathComponent
        #expect(FileManager.default.fileExists(atPath: directory + "/quarantine/" + name))
        #expect(!FileManager.default.fileExists(atPath: block.directory))
        // What the head holds (the batch after the cut) is still served.
        #expect(F.everything(reopened).spans.count == inHead.spans.count - F.batch(traces: 10).spans.count)
    }
}
