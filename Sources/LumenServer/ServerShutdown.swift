import ServiceLifecycle
import Synchronization

/// Stops a running `LumenServer` gracefully from code (tests, an embedding program), exactly as SIGTERM does:
/// listeners close, in-flight requests finish, the log is synced.
public final class ServerShutdown: Sendable {
    private let state = Mutex<(group: ServiceGroup?, requested: Bool)>((nil, false))

    public init() {}

    public func trigger() async {
        let group = state.withLock { state in
            state.requested = true
            return state.group
        }
        await group?.triggerGracefulShutdown()
    }

    /// Called by the server once its services run; a shutdown asked for earlier happens now.
    func attach(_ group: ServiceGroup) async {
        let requested = state.withLock { state in
            state.group = group
            return state.requested
        }
        if requested { await group.triggerGracefulShutdown() }
    }
}
