import Foundation
import LumenModel
import Testing

@testable import LumenEngine

/// A head handed off to another store (the cluster's shared block store): written there as one block set, still
/// read here for its linger, then served only there; the log no longer replays it.
struct StorageHandOffTests {
    func spanCount(_ reader: some TelemetryReader) -> Int {
        reader.spans(.anonymous, from: .min, to: .max, limit: .max) { _ in true }.count
    }

    func lineCount(_ reader: some TelemetryReader) -> Int {
        reader.logLines(.anonymous, matching: [], from: .min, to: .max, lineContains: [], sizes: false)
            .reduce(0) { $0 + $1.times.count }
    }

    @Test func aHandedOffHeadIsWrittenElsewhereReadForItsLingerAndNotReplayed() async throws {
        let directory = StorageFixtures.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var storage = try Storage(directory: directory + "/store", logger: StorageFixtures.quietLogger)
        try await storage.append(StorageFixtures.batch(traces: 10))
        let handedOffBytes = storage.head.memory.bytes
        #expect(handedOffBytes > 0 && storage.heldHeadBytes == handedOffBytes)
        let set = directory + "/shared/1-10-e1"
        // A linger no loaded machine outlasts while the test reads; its end is then passed as a time, not waited.
        #expect(try await storage.handOff(keepReadableFor: .seconds(60)) { head in
            try BlockSet.write(head, to: set)
        })
        try await storage.append(StorageFixtures.batch(traces: 5, offset: 100 * StorageFixtures.second))
        let shared = BlockListQuerier(blocks: { _ in (try? BlockSet.open(set)) ?? [] }, failed: { _ in })
        #expect(spanCount(shared) == 20)
        #expect(spanCount(storage) == 30)  // the handed-off head is still read here
        #expect(spanCount(CombinedQuerier([shared, storage])) == 30)  // and each span once with the shared blocks
        #expect(lineCount(storage) == 15 && lineCount(CombinedQuerier([shared, storage])) == 15)  // each line once
        // What the admission gate bounds: every head kept in memory, the handed-off one as well as the live one.
        #expect(storage.heldHeadBytes == handedOffBytes + storage.head.memory.bytes)
        storage.forgetHandedOffHeads(at: .now + .seconds(61))
        #expect(spanCount(storage) == 10)
        #expect(storage.heldHeadBytes == storage.head.memory.bytes)
        #expect(storage.blocks.isEmpty)
        try storage.close()

        storage = try Storage(directory: directory + "/store", logger: StorageFixtures.quietLogger)
        defer { try? storage.close() }
        #expect(spanCount(storage) == 10)  // the log replays only what came after the hand-off
    }

    @Test func aHandOffThatFailsKeepsTheDataInTheLogAndRefusesAnotherUntilReopened() async throws {
        let directory = StorageFixtures.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var storage = try Storage(directory: directory + "/store", logger: StorageFixtures.quietLogger)
        try await storage.append(StorageFixtures.batch(traces: 4))
        await #expect(throws: BlockError.self) {
            try await storage.handOff(keepReadableFor: .zero) { _ in throw BlockError(.invalidArgument, "full") }
        }
        #expect(spanCount(storage) == 8)  // still served
        await #expect(throws: StorageHandOffError.self) {
            try await storage.handOff(keepReadableFor: .zero) { _ in }
        }
        try storage.close()
        storage = try Storage(directory: directory + "/store", logger: StorageFixtures.quietLogger)
        defer { try? storage.close() }
        #expect(spanCount(storage) == 8)
        #expect(try await storage.handOff(keepReadableFor: .zero) { _ in })
        #expect(spanCount(storage) == 0)
    }

    @Test func anEmptyHeadIsNotHandedOff() async throws {
        let directory = StorageFixtures.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: StorageFixtures.quietLogger)
        defer { try? storage.close() }
        #expect(try await storage.handOff(keepReadableFor: .zero) { _ in Issue.record("called") } == false)
    }
}
