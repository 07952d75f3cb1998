/// One node's lease on one partition, as a value: the decisions of the lease protocol, with the time passed in, so
/// it is tested without a clock or a server. The runtime performs the actions (KV create, compare-and-swap update)
/// and reports their results back.
///
/// Protocol (docs/cluster.md): the key `p.<partition>` in a Key-Value bucket whose TTL is the lease's. Acquire =
/// create-if-absent; the revision it returns is the *epoch*, the fencing token every write of that ownership is
/// labelled with. Renew = compare-and-swap on the last revision, on the first tick (every `ttl / 6`) after it is
/// `ttl / 6` old: at least every `ttl / 3`, so a tick may run a whole interval late without the lease lapsing. The
/// holder stops applying and serving once `ttl / 2` has passed since it *sent* its last successful renewal: the key
/// outlives that by at least `ttl / 2` (it expires `ttl` after the write), so a holder that lost its lease has
/// stopped before anyone else can acquire it, as long as clocks do not drift by `ttl / 2` within one `ttl`.
public struct Lease: Equatable, Sendable {
    public enum State: Equatable, Sendable {
        /// Not held; acquire by creating the key.
        case free
        /// Held since `epoch`; the key's revision is `revision`, last renewed by a request sent at `renewedAt`.
        case held(epoch: UInt64, revision: UInt64, renewedAt: ContinuousClock.Instant)
    }

    public enum Action: Equatable, Sendable {
        case none
        /// Compare-and-swap the key against this revision.
        case renew(expectedRevision: UInt64)
        /// Too long without a renewal: stop applying and serving now, and treat the lease as lost.
        case stop
    }

    public let ttl: Duration
    public private(set) var state: State = .free

    public init(ttl: Duration) {
        self.ttl = ttl
    }

    public var epoch: UInt64? {
        if case .held(let epoch, _, _) = state { return epoch }
        return nil
    }

    /// The key was created at `revision` by a request sent at `sentAt`: held, with that revision as the epoch.
    public mutating func acquired(revision: UInt64, sentAt: ContinuousClock.Instant) {
        state = .held(epoch: revision, revision: revision, renewedAt: sentAt)
    }

    /// What to do at `now`.
    public func action(at now: ContinuousClock.Instant) -> Action {
        guard case .held(_, let revision, let renewedAt) = state else { return .none }
        let age = renewedAt.duration(to: now)
        if age >= ttl / 2 { return .stop }
        if age >= ttl / 6 { return .renew(expectedRevision: revision) }
        return .none
    }

    /// Whether the holder may apply and serve at `now`: held, and renewed less than `ttl / 2` ago.
    public func isValid(at now: ContinuousClock.Instant) -> Bool {
        guard case .held(_, _, let renewedAt) = state else { return false }
        return renewedAt.duration(to: now) < ttl / 2
    }

    /// A renewal sent at `sentAt` succeeded with `revision`.
    public mutating func renewed(revision: UInt64, sentAt: ContinuousClock.Instant) {
        guard case .held(let epoch, _, let renewedAt) = state else { return }
        // A slow reply to an older request never moves the lease's age backwards.
        state = .held(epoch: epoch, revision: revision, renewedAt: max(renewedAt, sentAt))
    }

    /// The compare-and-swap failed (someone else wrote the key, or it expired), the holder gave it up, or `stop`
    /// was acted on: free.
    public mutating func lost() {
        state = .free
    }
}
