import LumenModel

/// Another node that answers `RemoteRead`s from the data it holds (the cluster implements it over HTTP).
public protocol RemoteNode: Sendable {
    /// How errors and warnings name it.
    var name: String { get }
    /// Starts asking the node for `read` and returns the wait for its reply, which blocks (call it off Swift's
    /// pool: reads run on the query executor's threads) and throws when the node did not answer; nil when the
    /// node holds nothing the read wants (a trace in another node's partition). Several calls started before
    /// any is waited for run at once.
    func start(_ read: RemoteRead, _ request: ReadRequest, scope: ReadScope)
        -> (@Sendable () throws -> RemoteReply)?
}

/// The other nodes a `FanOutQuerier` reads from, besides its own store.
public protocol ReadPeers: Sendable {
    /// The nodes that may hold some of `request`'s data, resolved for each read. Throws when they cannot be
    /// known (the cluster's registry does not answer). May block.
    func nodes(for request: ReadRequest, scope: ReadScope) throws -> [any RemoteNode]
}
