import LumenModel

/// Gathers log records from connectionless listeners into batches, so a burst of syslog lines costs one fsync
/// rather than one each. A batch goes to the store when it is full, or when `flush` is called (every 100 ms).
actor LogBatcher {
    let tenant: Tenant
    let ingestor: Ingestor
    let protocolName: IngestProtocol
    let maxRecords: Int
    private var pending: [LogRecord] = []
    private var pendingBytes = 0

    init(tenant: Tenant, ingestor: Ingestor, protocol name: IngestProtocol, maxRecords: Int = 1_000) {
        self.tenant = tenant
        self.ingestor = ingestor
        self.protocolName = name
        self.maxRecords = maxRecords
    }

    /// Suspends while a full batch is written: a listener that awaits this reads no faster than the store writes.
    func add(_ record: LogRecord, bytes: Int) async {
        pending.append(record)
        pendingBytes += bytes
        if pending.count >= maxRecords { await flush() }
    }

    func flush() async {
        guard !pending.isEmpty else { return }
        let batch = Batch(tenant: tenant, logs: pending)
        let bytes = pendingBytes
        pending.removeAll(keepingCapacity: true)
        pendingBytes = 0
        // No one to answer over UDP: a refused batch is counted as dropped.
        await ingestor.ingestUnanswered(batch, protocol: protocolName, bytes: bytes)
    }
}
