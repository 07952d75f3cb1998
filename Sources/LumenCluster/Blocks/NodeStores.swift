import LumenEngine

/// What a node serves of its own: its store and, with a shared block store, the stores of the partitions it holds
/// now (a partition it gave up is no longer read here; its new owner and the shared blocks have it).
public struct NodeStores: Querier {
    public let storage: Storage
    let ownership: PartitionOwnership?

    public func readSources(_ request: ReadRequest) -> ReadSources {
        CombinedQuerier([storage] + (ownership?.heldStores ?? [])).readSources(request)
    }

    public func readFailed(_ error: BlockError) { storage.readFailed(error) }
}

extension ClusterNode {
    /// This node's own data as one store: `storage` and the partitions it holds.
    public func ownStores(_ storage: Storage) -> NodeStores { NodeStores(storage: storage, ownership: ownership) }
}
