/// One partition as this node sees it: who owns it, since which epoch, and how far it is applied here.
public struct PartitionStatus: Equatable, Sendable, Codable {
    public var partition: Int
    public var owner: String?
    public var epoch: UInt64?
    /// The highest stream sequence applied here (storage nodes holding the lease).
    public var appliedSequence: UInt64?
    /// With a shared block store: every message of the partition at or below it is in the store's blocks (the
    /// `lumen-flushed` bucket, read by any node). Nil without one.
    public var flushedSequence: UInt64?
    /// Messages in the partition's stream past the applied sequence, where known.
    public var lag: UInt64?
    /// `active`, `starting`, `fenced`, `failed`, `stopped`, or `remote` (owned elsewhere) / `unowned`.
    public var state: String
    /// The storage node rendezvous hashing gives the partition among the live ones: the owner once ownership has
    /// settled, where the partition is moving while they differ.
    public var destined: String?

    public init(
        partition: Int, owner: String?, epoch: UInt64?, appliedSequence: UInt64?, flushedSequence: UInt64? = nil,
        lag: UInt64?, state: String, destined: String? = nil
    ) {
        self.partition = partition
        self.owner = owner
        self.epoch = epoch
        self.appliedSequence = appliedSequence
        self.flushedSequence = flushedSequence
        self.lag = lag
        self.state = state
        self.destined = destined
    }
}
