import Logging

/// The appending end of the log: the current segment, rotation, and one commit's writes and syncs.
///
/// Not thread-safe: `WriteAheadLog` gives it one owner at a time (replay, then the writer thread, then close).
final class WALWriter {
    /// Buffered bytes are flushed at this size even mid-commit, bounding memory for big batches.
    static let flushThreshold = 4 << 20

    let directory: String
    let segmentSize: Int
    /// The next segment's file, zero-filled ahead of use.
    let spare: WALSpareSegment
    /// The index the next created segment gets; `replay` sets it past the last surviving segment.
    var nextSegmentIndex = 1
    private var segment: WALFile?
    /// Bytes in `segment`, header included, whether written or still buffered.
    private var segmentBytes = 0
    /// A test seam: runs before every segment sync and may throw to simulate a failing disk.
    /// Set it before the first append; nothing else may touch it.
    var beforeSync: (() throws -> Void)?

    init(directory: String, segmentSize: Int, logger: Logger) {
        self.directory = directory
        self.segmentSize = segmentSize
        spare = WALSpareSegment(directory: directory, size: segmentSize, logger: logger)
    }

    /// Writes every payload as a record, in order, and syncs each touched segment once. A nil payload ends the
    /// current segment there (a rotation): the next record starts a new one.
    /// Returns the records and bytes written (headers included), syncs made, segments created, and for each
    /// rotation the index of the segment the records after it go to.
    func commit(_ payloads: some Sequence<[UInt8]?>) throws
        -> (records: Int, bytes: Int, fsyncs: Int, segments: Int, rotations: [Int])
    {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(Self.flushThreshold / 4)
        var flushedAt = segmentBytes  // the segment offset where `buffer` begins
        var bytes = 0
        var fsyncs = 0
        var segments = 0
        var records = 0
        var rotations: [Int] = []

        func flush() throws {
            guard let segment, !buffer.isEmpty else { return }
            try buffer.withUnsafeBytes { try segment.writeAll($0, offset: flushedAt) }
            flushedAt += buffer.count
            buffer.removeAll(keepingCapacity: true)
        }

        /// Writes out, syncs and closes the current segment, if any.
        func finishSegment() throws {
            guard segment != nil else { return }
            try flush()
            try beforeSync?()
            try segment!.sync()
            fsyncs += 1
            try closeSegment()
        }

        for payload in payloads {
            guard let payload else {
                try finishSegment()
                rotations.append(nextSegmentIndex)
                continue
            }
            records += 1
            if segment == nil || segmentBytes >= segmentSize {
                try finishSegment()
                try openNextSegment()
                segments += 1
                buffer.append(contentsOf: WALSegment.header)
                bytes += WALSegment.headerSize
                segmentBytes = WALSegment.headerSize
                flushedAt = 0
            }
            WALRecordHeader(payload: payload).write(to: &buffer)
            buffer.append(contentsOf: payload)
            let recordSize = WALRecordHeader.size + payload.count
            segmentBytes += recordSize
            bytes += recordSize
            if buffer.count >= Self.flushThreshold { try flush() }
        }
        try flush()
        if let segment {
            try beforeSync?()
            try segment.sync()
            fsyncs += 1
        }
        return (records, bytes, fsyncs, segments, rotations)
    }

    /// Closes the current segment, everything in which was synced by its commit, and drops the spare.
    func close() throws {
        defer { spare.close() }
        try closeSegment()
    }

    /// Cuts the zeros after the current segment's records (a segment ended early by a rotation, or at close)
    /// and closes it. The cut is not synced: should it be lost, replay stops at the zeros all the same.
    private func closeSegment() throws {
        guard segment != nil else { return }
        try? segment!.truncate(to: segmentBytes)
        try segment!.close()
        segment = nil
    }

    /// Starts the next numbered segment, in the prepared spare if one is ready (else in a new empty file), and
    /// makes its directory entry durable. The header is written by the caller with the first records, so one
    /// write and one sync cover both.
    private func openNextSegment() throws {
        let path = directory + "/" + WALSegment(index: nextSegmentIndex).fileName
        segment = try spare.take(as: path) ? WALFile.openForOverwrite(path) : WALFile.create(path)
        nextSegmentIndex += 1
        try WALFileSystem.syncDirectory(directory)
        spare.prepare()
    }
}
