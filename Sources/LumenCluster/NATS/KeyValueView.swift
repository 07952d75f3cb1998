import CNATS
import Foundation
import Synchronization

/// A bucket's current entries, kept by one watcher for as long as the bucket is open. nats.c's `kvStore_Keys`
/// creates a watcher — an ordered consumer the cluster's meta leader places — for every call and deletes it again,
/// and every node lists its buckets several times a second (lease ticks, queries' owners); the view's one
/// consumer has the server push each change instead.
///
/// A key that expires by the bucket's TTL vanishes without a watch event (2.9.10), so an entry whose last write is
/// older than the TTL is left out by its write time (the server's clock against this node's: the lease protocol
/// already assumes they agree within TTL / 2).
///
/// A view that falls behind a write this node made (`wrote`) for more than `patience` is taken as stale — its
/// consumer lost (the ordered consumer did not ride out a server restart) — and its watcher is made afresh.
///
/// Contract: `entries` is nil until the watcher has delivered the bucket's state once, and again while a new one
/// does (callers then ask the server). Its thread blocks in `kvWatcher_Next`; `close` stops it.
final class KeyValueView: Sendable {
    private let ttl: Duration?
    private let connection: NATSConnection
    private let state = Mutex<State>(State())
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    static let patience = Duration.seconds(2)

    private struct State {
        var entries: [String: (entry: KeyValueEntry, created: Int64)] = [:]
        var ready = false
        /// The highest revision the watcher delivered.
        var seen: UInt64 = 0
        /// The first of this node's writes not seen yet, and when it was written.
        var unseen: (revision: UInt64, at: ContinuousClock.Instant)?
        var stale = false
    }

    /// Starts watching the store's keys on a thread of its own. `store` must outlive `close`; `connection` is the
    /// store's.
    init(store: OpaquePointer, connection: NATSConnection, bucket: String, ttl: Duration?) {
        self.ttl = ttl
        self.connection = connection
        let address = UInt(bitPattern: Int(bitPattern: UnsafeMutableRawPointer(store)))
        let thread = Thread { [self] in
            watch(OpaquePointer(bitPattern: address)!)
            finished.signal()
        }
        thread.name = "lumen-kv-\(bucket)"
        thread.start()
    }

    /// This node wrote `revision` to the bucket (or deleted a key by it).
    func wrote(_ revision: UInt64) {
        let now = ContinuousClock.now
        state.withLock { state in
            if revision > state.seen && state.unseen == nil { state.unseen = (revision, now) }
        }
    }

    /// The live entries, or nil while the view is not current (see the contract). Waits up to `catchUp` for the
    /// view to see this node's own last write, so a listing right after a write includes it — and everything
    /// written before it (the watcher delivers in stream order), e.g. after this process was frozen.
    var entries: [KeyValueEntry]? {
        let deadline = ContinuousClock.now + Self.catchUp
        while true {
            let now = Int64(Date().timeIntervalSince1970 * 1e9)
            let (entries, behind) = state.withLock { state -> ([KeyValueEntry]?, Bool) in
                if let unseen = state.unseen, ContinuousClock.now - unseen.at > Self.patience {
                    state.stale = true
                    state.ready = false
                }
                guard state.ready else { return (nil, false) }
                let live = state.entries.values.filter { ttl == nil || now - $0.created < ttl!.nanoseconds }
                return (live.map(\.entry), state.unseen != nil)
            }
            if !behind { return entries }
            if ContinuousClock.now > deadline { return nil }
            Thread.sleep(forTimeInterval: 0.002)
        }
    }

    static let catchUp = Duration.milliseconds(250)

    /// Stops the watcher and waits for its thread. Blocks.
    func close() {
        guard !stopping.exchange(true, ordering: .sequentiallyConsistent) else { return }
        finished.wait()
    }

    /// Watches until `close`: a new watcher whenever one fails (a stream leader change the ordered consumer did
    /// not ride out), each starting from the bucket's current state.
    private func watch(_ store: OpaquePointer) {
        while !stopping.load(ordering: .sequentiallyConsistent) {
            var watcher: OpaquePointer?
            guard kvStore_WatchAll(&watcher, store, nil) == NATS_OK, let watcher else {
                Thread.sleep(forTimeInterval: 0.5)
                continue
            }
            state.withLock { $0 = State() }
            follow(watcher)
            state.withLock { $0.ready = false }
            let address = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(watcher)))
            connection.retire(
                unsubscribe: { _ = kvWatcher_Stop(watcher) },
                destroy: { kvWatcher_Destroy(OpaquePointer(bitPattern: address)) })
        }
    }

    /// Applies the watcher's updates until it fails or `close` is called; checks `stopping` every 200 ms.
    private func follow(_ watcher: OpaquePointer) {
        while !stopping.load(ordering: .sequentiallyConsistent) && !state.withLock({ $0.stale }) {
            var next: OpaquePointer?
            let status = kvWatcher_Next(&next, watcher, 200)
            if status == NATS_TIMEOUT { continue }
            guard status == NATS_OK else { return }
            guard let next else {
                state.withLock { $0.ready = true }  // the initial state is in
                continue
            }
            defer { kvEntry_Destroy(next) }
            let key = String(cString: kvEntry_Key(next))
            let revision = kvEntry_Revision(next)
            state.withLock { state in
                state.seen = max(state.seen, revision)
                if let unseen = state.unseen, unseen.revision <= revision { state.unseen = nil }
            }
            switch kvEntry_Operation(next) {
            case kvOp_Put:
                let length = Int(kvEntry_ValueLen(next))
                let value = length > 0 ? Array(UnsafeRawBufferPointer(start: kvEntry_Value(next), count: length)) : []
                let entry = KeyValueEntry(key: key, value: value, revision: revision)
                let created = kvEntry_Created(next)
                state.withLock { $0.entries[key] = (entry, created) }
            default:
                state.withLock { _ = $0.entries.removeValue(forKey: key) }
            }
        }
    }
}
