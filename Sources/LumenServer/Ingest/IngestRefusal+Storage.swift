import LumenEngine

extension IngestRefusal {
    /// The `Retry-After` of a refusal for a full disk: the log probes for space every second, but space comes back
    /// when an operator or retention frees it, not at once.
    static let diskFullRetryAfterSeconds = 10

    /// The refusal for a batch the local store could not write: `insufficientStorage` (507) while its disk is
    /// full, which passes by itself once space returns; `unavailable` (503) for any other failure.
    init(storing error: any Error) {
        if DiskFull.caused(error) {
            self.init(.insufficientStorage,
                "the disk holding the store is full; nothing of this request was stored, retry later: \(error)",
                retryAfterSeconds: Self.diskFullRetryAfterSeconds)
        } else {
            self.init(.unavailable, "storage unavailable: \(error)", retryAfterSeconds: 5)
        }
    }
}
