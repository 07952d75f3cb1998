import Logging
import LumenEngine

/// How a storage node keeps each partition it owns in a store of its own and flushes it to the shared block store
/// (`--block-store`): what `PartitionOwnership` needs to open a `PartitionStore` for a new epoch.
public struct PartitionFlushing: Sendable {
    public var blocks: SharedBlockStore
    public var sequences: FlushedSequences
    /// The node's data directory: partition stores live in `cluster/p<NN>/` under it.
    public var dataDirectory: String
    /// The partition stores' options (their `headMaxBytes` bounds a head before it is flushed).
    public var options: StorageOptions
    /// A head is flushed once its oldest data arrived this long ago.
    public var flushInterval: Duration
    /// How long an owner still serves a flushed head: longer than a query node takes from listing the shared
    /// blocks to reading the owner (its listing's age plus the query timeout).
    public var linger: Duration
    /// How often the owner maintains its partitions' shared flushes (`SharedMaintenance`); nil: every
    /// `flushInterval`.
    public var maintenanceInterval: Duration?

    public init(
        blocks: SharedBlockStore, sequences: FlushedSequences, dataDirectory: String, options: StorageOptions,
        flushInterval: Duration, linger: Duration
    ) {
        self.blocks = blocks
        self.sequences = sequences
        self.dataDirectory = dataDirectory
        self.options = options
        self.flushInterval = flushInterval
        self.linger = linger
    }

    /// Claims the partition's flushed sequence for `epoch`, removes the flushes no one can commit any more, and
    /// opens the partition's store on it. Nil when a newer epoch holds the flushed sequence. Blocks.
    func open(partition: Int, epoch: UInt64, logger: Logger) throws -> PartitionStore? {
        guard let claim = try sequences.claim(partition: partition, epoch: epoch) else { return nil }
        try blocks.removeUncommitted(of: partition, after: claim.sequence)
        return try PartitionStore(
            partition: partition, epoch: epoch, claim: claim, dataDirectory: dataDirectory, blocks: blocks,
            sequences: sequences, options: options, flushInterval: flushInterval, linger: linger, logger: logger)
    }
}
