import CNATS
import Synchronization

/// One entry of a Key-Value bucket.
public struct KeyValueEntry: Equatable, Sendable {
    public var key: String
    public var value: [UInt8]
    /// The bucket-wide sequence of the write that made this value: what `update` compares against.
    public var revision: UInt64
}

/// A JetStream Key-Value bucket: create-if-absent (a lease acquire), compare-and-swap update (a lease renew), get,
/// delete, keys. The two conditional writes are serialised by the bucket's stream sequence (`write`): JetStream 2.9
/// does not serialise them by the key's. With a TTL, a key not written for that long vanishes — without a watch
/// event, so whoever waits for it polls.
///
/// Listing (`keys`, `entries`) reads a view one watcher keeps (`KeyValueView`), started by the first listing, rather
/// than a consumer per call.
///
/// Contract: every call blocks (a request to the server), so call it off Swift's cooperative pool. The store
/// handle is destroyed exactly once (`close` or `deinit`), never under a call in progress; calls after it throw.
public final class KeyValueBucket: Sendable {
    public let name: String
    private let jetStream: JetStream
    private let handle: OwnedHandle
    private let ttl: Duration?
    private let view = Mutex<KeyValueView?>(nil)

    /// Binds the bucket, creating it if it does not exist (an existing one keeps its settings).
    /// - Parameter ttl: how long a key lives after its last write; nil for ever.
    public init(jetStream: JetStream, name: String, ttl: Duration?, replicas: Int) throws(NATSError) {
        self.name = name
        self.jetStream = jetStream
        self.ttl = ttl
        let store = try jetStream.withContext("bucket \(name)") { context throws(NATSError) in
            var store: OpaquePointer?
            var status = js_KeyValue(&store, context, name)
            if status == NATS_NOT_FOUND {
                let strings = CStrings()
                var config = kvConfig()
                kvConfig_Init(&config)
                config.Bucket = strings.copy(name)
                config.History = 1
                config.Replicas = Int32(replicas)
                if let ttl { config.TTL = ttl.nanoseconds }
                status = js_CreateKeyValue(&store, context, &config)
                if status != NATS_OK {  // created by another node meanwhile
                    status = js_KeyValue(&store, context, name)
                }
            }
            try NATSError.check(status, "bind Key-Value bucket \(name)")
            return store
        }
        handle = OwnedHandle(store)
    }

    /// Writes `value` only if `key` has none (or was deleted or expired): its revision, or nil when it exists.
    public func create(_ key: String, value: [UInt8]) throws(NATSError) -> UInt64? {
        try write(key, value: value) { $0 == nil }
    }

    /// Writes `value` only if the key's revision is still `expectedRevision`: the new revision, or nil when
    /// someone else wrote (or the key expired) since.
    public func update(_ key: String, value: [UInt8], expectedRevision: UInt64) throws(NATSError) -> UInt64? {
        try write(key, value: value) { $0 == expectedRevision }
    }

    /// A compare-and-swap that holds on a clustered bucket. JetStream 2.9 checks a key's expected revision
    /// (`Nats-Expected-Last-Subject-Sequence`, what nats.c's `kvStore_Create` and `kvStore_Update` send) against what
    /// the stream leader has applied, not against writes still in flight, so writers expecting the same revision
    /// can all succeed (nats-server issue 4320; on this machine's 3-node 2.9.10 cluster, 6 concurrent updates of one
    /// revision had more than one accepted in 99 of 100 rounds). The stream's expected last sequence
    /// (`Nats-Expected-Last-Sequence`) counts the writes in flight (exactly 1 of 6 accepted in each of 100 rounds).
    /// So the bucket's last sequence and then the key's revision are read from the leader, and the value is published
    /// expecting that sequence: it lands only if nothing at all was written to the bucket since. A write to another
    /// key meanwhile costs another attempt.
    /// - Parameter holds: whether the key's current revision (nil: it has no value) allows the write.
    private func write(_ key: String, value: [UInt8], if holds: (UInt64?) -> Bool) throws(NATSError) -> UInt64? {
        try handle.borrow("write \(key) in \(name)") { _ throws(NATSError) -> UInt64? in  // a closed bucket refuses
            for _ in 0..<Self.writeAttempts {
                let last = try jetStream.streamState(streamName)?.lastSequence ?? 0
                guard holds(try revisionOnLeader(key)) else { return nil }
                do throws(NATSError) {
                    let revision = try jetStream.publishAndWait(
                        subject: subjectPrefix + key, payload: value,
                        headers: [(name: "Nats-Expected-Last-Sequence", value: String(last))])
                    return wrote(revision)
                } catch where error.jetStreamCode == Self.wrongLastSequence {
                    continue
                }
            }
            throw NATSError(
                "write \(key) in \(name)", status: NATS_ERR,
                text: "the bucket changed during each of \(Self.writeAttempts) attempts",
                jetStreamCode: Self.wrongLastSequence)
        }
    }

    static let writeAttempts = 64
    /// JetStream's "wrong last sequence": the stream or the subject moved past the expected sequence.
    static let wrongLastSequence = 10071

    /// The key's revision as the stream leader holds it (not a direct get, which a replica behind it may answer);
    /// nil when the key has no value (never written, deleted, purged or expired).
    private func revisionOnLeader(_ key: String) throws(NATSError) -> UInt64? {
        var message: OpaquePointer?
        var code = jsErrCode(rawValue: 0)
        let status = try jetStream.withContext("get \(key) from \(name)") {
            js_GetLastMsg(&message, $0, streamName, subjectPrefix + key, nil, &code)
        }
        if status == NATS_NOT_FOUND || code.rawValue == 10037 { return nil }  // 10037: no message found
        try NATSError.check(status, "get \(key) from \(name)", jetStreamCode: code)
        defer { natsMsg_Destroy(message) }
        var operation: UnsafePointer<CChar>?
        if natsMsgHeader_Get(message, "KV-Operation", &operation) == NATS_OK, operation != nil {
            return nil  // a delete or purge marker
        }
        return natsMsg_GetSequence(message)
    }

    private var streamName: String { "KV_" + name }
    private var subjectPrefix: String { "$KV.\(name)." }

    /// Writes `value` unconditionally: its revision.
    @discardableResult
    public func put(_ key: String, value: [UInt8]) throws(NATSError) -> UInt64 {
        var revision: UInt64 = 0
        let status = try handle.borrow("put \(key) in \(name)") { store in
            value.withUnsafeBytes { kvStore_Put(&revision, store, key, $0.baseAddress, Int32($0.count)) }
        }
        try NATSError.check(status, "put \(key) in \(name)")
        return wrote(revision)
    }

    /// The key's current value, or nil when it has none (never written, deleted or expired).
    public func get(_ key: String) throws(NATSError) -> KeyValueEntry? {
        var entry: OpaquePointer?
        let status = try handle.borrow("get \(key) from \(name)") { kvStore_Get(&entry, $0, key) }
        if status == NATS_NOT_FOUND { return nil }
        try NATSError.check(status, "get \(key) from \(name)")
        defer { kvEntry_Destroy(entry) }
        let length = Int(kvEntry_ValueLen(entry))
        let value = length > 0 ? Array(UnsafeRawBufferPointer(start: kvEntry_Value(entry), count: length)) : []
        return KeyValueEntry(key: key, value: value, revision: kvEntry_Revision(entry))
    }

    /// Deletes the key (a tombstone: `create` succeeds on it again).
    public func delete(_ key: String) throws(NATSError) {
        let status = try handle.borrow("delete \(key) from \(name)") { kvStore_Delete($0, key) }
        try NATSError.check(status, "delete \(key) from \(name)")
    }

    /// The keys that have a value now.
    public func keys() throws(NATSError) -> [String] {
        try entries().map(\.key)
    }

    /// Every key that has a value now, with it: from the view, or while it is not current from the server (the
    /// bucket's subjects in its stream's info, then a get per key, which leaves deleted keys out). Not nats.c's
    /// `kvStore_Keys`: it makes and destroys a watcher per call, and a watcher destroyed while an update for it is
    /// being read crashes nats.c 3.4.1 (`NATSConnection.retire`).
    public func entries() throws(NATSError) -> [KeyValueEntry] {
        if let entries = try watched() { return entries }
        return try entriesFromServer()
    }

    func entriesFromServer() throws(NATSError) -> [KeyValueEntry] {
        var entries: [KeyValueEntry] = []
        for subject in try jetStream.subjects(ofStream: streamName, matching: subjectPrefix + ">") {
            if let entry = try get(String(subject.dropFirst(subjectPrefix.count))) { entries.append(entry) }
        }
        return entries
    }

    /// The view's entries, starting it on the first call; nil while it is not current. Throws once closed.
    private func watched() throws(NATSError) -> [KeyValueEntry]? {
        let view = try handle.borrow("watch \(name)") { store in
            self.view.withLock { view in
                if view == nil {
                    view = KeyValueView(store: store, connection: jetStream.connection, bucket: name, ttl: ttl)
                }
                return view
            }
        }
        return view?.entries
    }

    /// Tells the view of a write, so a view that never sees it is found stale.
    private func wrote(_ revision: UInt64) -> UInt64 {
        view.withLock { $0 }?.wrote(revision)
        return revision
    }

    /// Destroys the store handle (the bucket stays) once the calls on it have returned, and the view's watcher
    /// before it. Later calls do nothing.
    public func close() {
        guard let store = handle.take() else { return }
        view.withLock { $0 }?.close()
        kvStore_Destroy(store)
    }

    deinit { close() }
}
