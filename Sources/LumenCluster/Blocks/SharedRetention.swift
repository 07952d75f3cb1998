import LumenEngine

/// Retention of a partition's shared flushes (docs/cluster.md, "Blocks in shared storage"): its owner deletes the
/// committed flushes whose data is all older than the retention, oldest first, and first records where the path
/// now starts, so readers no longer start it at sequence 1.
///
/// The record is a marker `from-<sequence>` in the partition's directory (an empty directory written whole, as a
/// flush is); the path starts at the highest marker. Markers only ever rise, whoever writes them and in any
/// order, so a stale owner writing a lower one late cannot move the start back; and the path starts exactly
/// there, so a stale flush starting elsewhere is never taken as its start. A marker always names the first
/// sequence after a flush retention deleted, where the next flush on the path starts (or will: the owner's next
/// flush starts after the flushed sequence).
enum SharedRetention {
    static let markerPrefix = "from-"

    /// The first flushes of `path` (a partition's committed path, oldest first) whose data is all older than
    /// `cutoff`: what retention deletes, up to the first one that is not.
    static func expired(_ path: [OpenedFlush], before cutoff: Int64) -> [OpenedFlush] {
        Array(path.prefix { $0.maxTime < cutoff })
    }

    static func marker(_ sequence: UInt64) -> String { markerPrefix + String(sequence) }

    static func sequence(ofMarker name: String) -> UInt64? {
        name.hasPrefix(markerPrefix) ? UInt64(name.dropFirst(markerPrefix.count)) : nil
    }
}

extension SharedBlockStore {
    /// Where the partition's path starts: the highest retention marker, 1 without one.
    public func retainedStart(of partition: Int) throws -> UInt64 {
        try BlockSet.names(in: partitionDirectory(partition)).compactMap(SharedRetention.sequence(ofMarker:)).max() ?? 1
    }

    /// The partition's committed path as readers take it: `SharedFlush.chain` from its retained start.
    public func chain(of partition: Int) throws -> [SharedFlush] {
        SharedFlush.chain(try flushes(of: partition), from: try retainedStart(of: partition))
    }

    /// Records durably that the partition's path starts at `sequence` now, then removes the lower markers.
    func markRetained(from sequence: UInt64, partition: Int) throws {
        let directory = partitionDirectory(partition)
        try BlockSet.write(to: directory + "/" + SharedRetention.marker(sequence)) { _ in }
        for name in try BlockSet.names(in: directory) {
            if let lower = SharedRetention.sequence(ofMarker: name), lower < sequence {
                try BlockSet.remove(directory + "/" + name)
            }
        }
    }
}
