import CNATS

/// One entry of a Key-Value bucket.
public struct KeyValueEntry: Equatable, Sendable {
    public var key: String
    public var value: [UInt8]
    /// The bucket-wide sequence of the write that made this value: what `update` compares against.
    public var revision: UInt64
}

/// A JetStream Key-Value bucket: create-if-absent (a lease acquire), compare-and-swap update (a lease renew), get,
/// delete, keys. With a TTL, a key not written for that long vanishes — without a watch event, so whoever waits
/// for it polls.
///
/// Contract: every call blocks (a request to the server), so call it off Swift's cooperative pool. The store
/// handle is destroyed exactly once (`close` or `deinit`).
public final class KeyValueBucket: Sendable {
    public let name: String
    private let handle: OwnedHandle

    /// Binds the bucket, creating it if it does not exist (an existing one keeps its settings).
    /// - Parameter ttl: how long a key lives after its last write; nil for ever.
    public init(jetStream: JetStream, name: String, ttl: Duration?, replicas: Int) throws(NATSError) {
        self.name = name
        let context = try jetStream.context("bucket \(name)")
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
        handle = OwnedHandle(store)
    }

    private func store(_ operation: String) throws(NATSError) -> OpaquePointer {
        guard let store = handle.pointer else {
            throw NATSError(operation, status: NATS_ILLEGAL_STATE, text: "the bucket is closed", jetStreamCode: 0)
        }
        return store
    }

    /// Writes `value` only if `key` has none (or was deleted or expired): its revision, or nil when it exists.
    public func create(_ key: String, value: [UInt8]) throws(NATSError) -> UInt64? {
        let store = try store("create \(key)")
        var revision: UInt64 = 0
        let status = value.withUnsafeBytes { kvStore_Create(&revision, store, key, $0.baseAddress, Int32($0.count)) }
        if status == NATS_OK { return revision }
        let error = NATSError("create \(key) in \(name)", status: status)
        if try get(key) != nil { return nil }
        throw error
    }

    /// Writes `value` only if the key's revision is still `expectedRevision`: the new revision, or nil when
    /// someone else wrote (or the key expired) since.
    public func update(_ key: String, value: [UInt8], expectedRevision: UInt64) throws(NATSError) -> UInt64? {
        let store = try store("update \(key)")
        var revision: UInt64 = 0
        let status = value.withUnsafeBytes {
            kvStore_Update(&revision, store, key, $0.baseAddress, Int32($0.count), expectedRevision)
        }
        if status == NATS_OK { return revision }
        let error = NATSError("update \(key) in \(name)", status: status)
        if try get(key)?.revision != expectedRevision { return nil }
        throw error
    }

    /// Writes `value` unconditionally: its revision.
    @discardableResult
    public func put(_ key: String, value: [UInt8]) throws(NATSError) -> UInt64 {
        let store = try store("put \(key)")
        var revision: UInt64 = 0
        let status = value.withUnsafeBytes { kvStore_Put(&revision, store, key, $0.baseAddress, Int32($0.count)) }
        try NATSError.check(status, "put \(key) in \(name)")
        return revision
    }

    /// The key's current value, or nil when it has none (never written, deleted or expired).
    public func get(_ key: String) throws(NATSError) -> KeyValueEntry? {
        let store = try store("get \(key)")
        var entry: OpaquePointer?
        let status = kvStore_Get(&entry, store, key)
        if status == NATS_NOT_FOUND { return nil }
        try NATSError.check(status, "get \(key) from \(name)")
        defer { kvEntry_Destroy(entry) }
        let length = Int(kvEntry_ValueLen(entry))
        let value = length > 0 ? Array(UnsafeRawBufferPointer(start: kvEntry_Value(entry), count: length)) : []
        return KeyValueEntry(key: key, value: value, revision: kvEntry_Revision(entry))
    }

    /// Deletes the key (a tombstone: `create` succeeds on it again).
    public func delete(_ key: String) throws(NATSError) {
        try NATSError.check(kvStore_Delete(try store("delete \(key)"), key), "delete \(key) from \(name)")
    }

    /// The keys that have a value now.
    public func keys() throws(NATSError) -> [String] {
        let store = try store("keys")
        var list = kvKeysList()
        let status = kvStore_Keys(&list, store, nil)
        if status == NATS_NOT_FOUND { return [] }
        try NATSError.check(status, "keys of \(name)")
        defer { kvKeysList_Destroy(&list) }
        return (0..<Int(list.Count)).compactMap { list.Keys[$0].map { String(cString: $0) } }
    }

    /// Destroys the store handle (the bucket stays). Later calls do nothing.
    public func close() {
        guard let store = handle.take() else { return }
        kvStore_Destroy(store)
    }

    deinit { close() }
}
