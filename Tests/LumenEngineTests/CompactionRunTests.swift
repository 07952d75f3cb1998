import LumenEngine
import Testing

/// Which blocks compaction merges next: one level at a time, the oldest run first, within the span, never a
/// damaged one.
struct CompactionRunTests {
    /// A block as the rule sees it: its time range in hours and its level.
    private struct Item: Equatable {
        let from: Int64
        let to: Int64
        let level: Int
        var damaged = false
    }

    private static let hour: Int64 = 3_600_000_000_000

    private static func run(_ items: [Item], minBlocks: Int = 4) -> [Item] {
        var options = StorageOptions()
        options.compactionMinBlocks = minBlocks
        return CompactionRun.oldest(
            items, options: options, minTime: { $0.from * hour }, maxTime: { $0.to * hour }, level: \.level,
            keptApart: \.damaged)
    }

    @Test func aMergedBlockWaitsForItsPeersInsteadOfBeingRewrittenWithEveryNewOne() {
        // One level-2 block (four merged cuts), then three new cuts: not enough of level 1, and the level-2 block
        // is not merged again with them.
        let merged = Item(from: 0, to: 8, level: 2)
        let cuts = (8..<11).map { Item(from: Int64($0), to: Int64($0) + 1, level: 1) }
        #expect(Self.run([merged] + cuts).isEmpty)
        // A fourth cut makes a run of level 1.
        let fourth = Item(from: 11, to: 12, level: 1)
        #expect(Self.run([merged] + cuts + [fourth]) == cuts + [fourth])
    }

    @Test func theOldestRunOfALevelComesFirst() {
        let old = (0..<4).map { Item(from: Int64($0), to: Int64($0) + 1, level: 1) }
        let between = Item(from: 4, to: 12, level: 3)
        let new = (12..<16).map { Item(from: Int64($0), to: Int64($0) + 1, level: 1) }
        #expect(Self.run(old + [between] + new) == old)
        #expect(Self.run([between] + new) == new)
    }

    @Test func aRunStaysWithinTheSpanAndNeedsTwoBlocksAtLeast() {
        // Four blocks of 10 h: the first two fit in 24 h, the third would not.
        let long = (0..<4).map { Item(from: Int64($0) * 10, to: Int64($0) * 10 + 10, level: 1) }
        #expect(Self.run(long, minBlocks: 2) == Array(long[0..<2]))
        let one = [Item(from: 0, to: 1, level: 1)]
        #expect(Self.run(one, minBlocks: 1).isEmpty, "a block alone is never rewritten")
    }

    @Test func aDamagedBlockEndsARunAndJoinsNone() {
        var blocks = (0..<6).map { Item(from: Int64($0), to: Int64($0) + 1, level: 1) }
        blocks[2].damaged = true
        #expect(Self.run(blocks, minBlocks: 3) == Array(blocks[3..<6]))
        #expect(Self.run(blocks, minBlocks: 2) == Array(blocks[0..<2]))
    }
}
