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
    /// The index of `segment`, while one is open.
    private var segmentIndex: Int?
    /// Bytes in `segment`, header included, whether written or still buffered.
    private var segmentBytes = 0
    /// Test seams: run before every segment sync, and after every write reached the file; either may throw to
    /// simulate a failing disk. Set them before an append; nothing else may touch them.
    var beforeSync: (() throws -> Void)?
    var afterWrite: (() throws -> Void)?

    /// Where the log's durable records end between commits: the open segment (if any), the byte its synced
    /// records end at, and the index the next segment would get.
    private struct Mark {
        var segmentIndex: Int?
        var offset: Int
        var nextSegmentIndex: Int
    }

    init(directory: String, segmentSize: Int, logger: Logger) {
        self.directory = directory
        self.segmentSize = segmentSize
        spare = WALSpareSegment(directory: directory, size: segmentSize, logger: logger)
    }

    /// Writes every payload as a record, in order, and syncs each touched segment once. A nil payload ends the
    /// current segment there (a rotation): the next record starts a new one.
    /// Returns the records and bytes written (headers included), syncs made, segments created, and for each
    /// rotation the index of the segment the records after it go to.
    ///
    /// All or nothing: a commit that fails is undone (`rollBack`) before its error is rethrown, so the log ends
    /// at the last record of the last successful commit, on a record boundary, as if the failed one had never
    /// begun. Should the undoing fail too, the error thrown is `.durabilityLost`.
    func commit(_ payloads: some Sequence<[UInt8]?>) throws
        -> (records: Int, bytes: Int, fsyncs: Int, segments: Int, rotations: [Int])
    {
        let start = Mark(segmentIndex: segmentIndex, offset: segmentBytes, nextSegmentIndex: nextSegmentIndex)
        do {
            return try write(payloads)
        } catch {
            let cause = error as? WALError ?? WALError(.io, "\(error)", path: directory)
            do {
                try rollBack(to: start)
            } catch {
                throw WALError(.durabilityLost,
                    "\(cause.message), and undoing the failed commit failed too (\(error)); reopen and replay the log",
                    path: cause.path, offset: cause.offset, errno: cause.errno)
            }
            throw cause
        }
    }

    private func write(_ payloads: some Sequence<[UInt8]?>) throws
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
            try afterWrite?()
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

    /// Undoes a failed commit: removes the segments it created and cuts the segment that was open before it
    /// back to `start.offset`, where that commit's synced records end, then syncs the cut.
    ///
    /// Why reopen rather than cut through the open descriptor: after a failed fsync Linux may have marked the
    /// unwritten pages clean, so the page cache no longer tells what the disk holds. Everything below
    /// `start.offset` was synced by an earlier commit and is on the disk; everything above is cut away, and the
    /// `fsync` of the new size is what says the cut is durable. Space is only given back, so this works on a
    /// full disk.
    private func rollBack(to start: Mark) throws {
        if segment != nil { try? segment!.close() }
        segment = nil
        segmentIndex = nil
        // Up to and including `nextSegmentIndex`: a spare renamed to that name whose opening then failed.
        for index in start.nextSegmentIndex...max(start.nextSegmentIndex, nextSegmentIndex) {
            try WALFileSystem.remove(directory + "/" + WALSegment(index: index).fileName)
        }
        nextSegmentIndex = start.nextSegmentIndex
        try WALFileSystem.syncDirectory(directory)
        guard let index = start.segmentIndex else {
            segmentBytes = 0
            return
        }
        var file = try WALFile.openForOverwrite(directory + "/" + WALSegment(index: index).fileName)
        do {
            try file.truncate(to: start.offset)
            try file.syncAll()
            try file.seek(to: start.offset)
        } catch {
            try? file.close()
            throw error
        }
        segment = file
        segmentIndex = index
        segmentBytes = start.offset
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
        segmentIndex = nil
    }

    /// Starts the next numbered segment, in the prepared spare if one is ready (else in a new empty file), and
    /// makes its directory entry durable. The header is written by the caller with the first records, so one
    /// write and one sync cover both.
    private func openNextSegment() throws {
        let path = directory + "/" + WALSegment(index: nextSegmentIndex).fileName
        segment = try spare.take(as: path) ? WALFile.openForOverwrite(path) : WALFile.create(path)
        segmentIndex = nextSegmentIndex
        nextSegmentIndex += 1
        try WALFileSystem.syncDirectory(directory)
        spare.prepare()
    }
}
