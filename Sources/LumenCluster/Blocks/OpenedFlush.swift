import LumenEngine

/// A flush of the shared block store with its blocks opened: what compaction merges and retention judges by time.
struct OpenedFlush: Sendable {
    let flush: SharedFlush
    let blocks: [Block]

    init(_ flush: SharedFlush, in store: SharedBlockStore, partition: Int) throws(BlockError) {
        self.flush = flush
        blocks = try BlockSet.open(store.path(of: flush, partition: partition))
    }

    /// The oldest and newest data of every block (`.max`/`.min` for a flush without blocks).
    var minTime: Int64 { blocks.map(\.meta.minTime).min() ?? .max }
    var maxTime: Int64 { blocks.map(\.meta.maxTime).max() ?? .min }
    /// How many merges its data went through: its blocks' highest level.
    var level: Int { blocks.map(\.meta.level).max() ?? 0 }
}
