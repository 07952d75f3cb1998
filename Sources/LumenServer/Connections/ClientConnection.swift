import NIOCore
import Synchronization

/// The client at the other end of the connection whose request the current task serves, so work done for it
/// elsewhere (a query on the query threads) can stop when it goes away.
///
/// Hummingbird does not cancel a handler's task when its client disconnects (`HTTPChannelHandler.handleHTTP`
/// runs the responder to the end and only closes input when the server shuts down), so the connection is
/// watched here: `ClientDisconnectHandler`, first in the pipeline, reports the end of the client's input (it
/// closed or half-closed its socket; Hummingbird allows half-closure) or of the connection. Like Go's
/// `net/http`, a client that half-closes while it waits for its answer counts as gone.
final class ClientConnection: Sendable {
    /// Set by `BudgetedConnections` for the tasks of each HTTP connection.
    @TaskLocal static var current: ClientConnection?

    private struct State {
        var isGone = false
        var nextID = 0
        var actions: [Int: @Sendable () -> Void] = [:]
    }

    private let state = Mutex(State())

    /// Runs `action` once, when the client goes away — at once if it has already gone. Returns a handle for
    /// `stopWatching`, or nil if the action already ran.
    func onDisconnect(_ action: @escaping @Sendable () -> Void) -> Int? {
        let id: Int? = state.withLock { state in
            guard !state.isGone else { return nil }
            state.nextID += 1
            state.actions[state.nextID] = action
            return state.nextID
        }
        if id == nil { action() }
        return id
    }

    func stopWatching(_ id: Int) {
        _ = state.withLock { $0.actions.removeValue(forKey: id) }
    }

    /// Called on the connection's event loop when the client's input ends or the connection closes.
    fileprivate func disconnected() {
        let actions = state.withLock { state in
            state.isGone = true
            defer { state.actions = [:] }
            return Array(state.actions.values)
        }
        for action in actions { action() }
    }
}

/// Reports to its `ClientConnection` when the client's input ends or the channel closes; passes everything on.
final class ClientDisconnectHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    let connection: ClientConnection

    init(_ connection: ClientConnection) {
        self.connection = connection
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed = event as? ChannelEvent { connection.disconnected() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.disconnected()
        context.fireChannelInactive()
    }
}
