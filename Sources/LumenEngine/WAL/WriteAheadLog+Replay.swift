import Logging

extension WriteAheadLog {
    /// Hands every intact record's payload to `body`, oldest first, and contains the damage it finds.
    ///
    /// Must run exactly once, before the first `append`. Every record is checksummed, so damage costs only what
    /// it touched, each loss reported with a warning naming file, offset and reason:
    /// - a record whose checksum fails while the record after it is intact (bit rot) is skipped alone;
    /// - a record past which nothing can be read (a torn header, a length past the end of the file or over the
    ///   limit, a bad last record) ends its segment: the segment is truncated there — in the last segment this
    ///   is what a crash mid-write leaves, and not an error — and later segments are still replayed;
    /// - a segment whose header is bad is removed, and later segments are still replayed.
    /// An error thrown by `body` stops replay and is rethrown, with nothing repaired. Appends after replay go
    /// to a fresh segment.
    ///
    /// Segments below `firstSegment` hold only records already in blocks: they are deleted unread, and new
    /// segments are numbered from `firstSegment` at least, so a later start-up cannot mistake them for old ones.
    public func replay(from firstSegment: Int = 0, _ body: ([UInt8]) throws -> Void) throws -> WALReplayReport {
        condition.lock()
        guard state.phase == .new else {
            condition.unlock()
            throw WALError(.misuse, "replay may run only once, before the first append", path: directory)
        }
        state.phase = .replaying
        condition.unlock()
        var finished = false
        defer {
            condition.lock()
            if state.phase == .replaying { state.phase = finished ? .open : .new }
            condition.unlock()
        }

        let all = try WALFileSystem.list(directory).compactMap(WALSegment.init(fileName:)).sorted()
        let covered = all.filter { $0.index < firstSegment }
        for segment in covered { try WALFileSystem.remove(directory + "/" + segment.fileName) }
        if !covered.isEmpty { try WALFileSystem.syncDirectory(directory) }
        let segments = all.filter { $0.index >= firstSegment }
        var report = WALReplayReport()
        var survivors = segments

        for (position, segment) in segments.enumerated() {
            if position > 0, segment.index != segments[position - 1].index + 1 {
                logger.warning("WAL segments are not contiguous; replaying across the gap", metadata: [
                    "directory": "\(directory)", "after": "\(segments[position - 1].fileName)",
                    "segment": "\(segment.fileName)",
                ])
            }
            let path = directory + "/" + segment.fileName
            let bytes = try WALFileSystem.readAll(path)
            report.segments += 1
            let version: UInt8
            switch WALSegment.readHeader(bytes[...]) {
            case .success(let read):
                version = read
            case .failure(let problem):
                try removeSegment(segment, reason: problem.message, into: &report)
                survivors.removeAll { $0 == segment }
                continue
            }
            var offset = WALSegment.headerSize
            records: while offset < bytes.count {
                switch WALRecordRead.at(offset, in: bytes, segmentVersion: version) {
                case .intact(let payload, let next):
                    try body(payload)
                    report.records += 1
                    report.bytes += payload.count
                    offset = next
                case .zeros:
                    // The zero-filled rest of a segment (`WALSpareSegment`): its records end here. Not damage;
                    // cutting the zeros off only returns the space.
                    try WALFile.truncate(path, to: offset)
                    break records
                case .damaged(let reason, let next):
                    if let next, next < bytes.count,
                        case .intact = WALRecordRead.at(next, in: bytes, segmentVersion: version)
                    {
                        skipRecord(segment, at: offset, length: next - offset, reason: reason, into: &report)
                        offset = next
                        continue records
                    }
                    try truncateSegment(segment, at: offset, reason: reason, into: &report)
                    break records
                }
            }
        }
        if !report.truncations.isEmpty { try WALFileSystem.syncDirectory(directory) }
        writer.nextSegmentIndex = max((survivors.last?.index ?? 0) + 1, firstSegment)
        writer.spare.prepare()
        finished = true
        return report
    }

    private func skipRecord(
        _ segment: WALSegment, at offset: Int, length: Int, reason: String, into report: inout WALReplayReport
    ) {
        let path = directory + "/" + segment.fileName
        logger.warning("WAL record skipped: it is damaged, the records around it are intact", metadata: [
            "segment": "\(path)", "offset": "\(offset)", "bytes": "\(length)", "reason": "\(reason)",
        ])
        report.skipped.append(.init(segment: segment.fileName, offset: offset, bytes: length, reason: reason))
    }

    private func truncateSegment(
        _ segment: WALSegment, at offset: Int, reason: String, into report: inout WALReplayReport
    ) throws {
        let path = directory + "/" + segment.fileName
        logger.warning("WAL segment truncated at a damaged record", metadata: [
            "segment": "\(path)", "offset": "\(offset)", "reason": "\(reason)",
        ])
        try WALFile.truncate(path, to: offset)
        report.truncations.append(.init(segment: segment.fileName, offset: offset, reason: reason, removed: false))
    }

    private func removeSegment(_ segment: WALSegment, reason: String, into report: inout WALReplayReport) throws {
        let path = directory + "/" + segment.fileName
        logger.warning("WAL segment removed", metadata: [
            "segment": "\(path)", "offset": "0", "reason": "\(reason)",
        ])
        try WALFileSystem.remove(path)
        report.truncations.append(.init(segment: segment.fileName, offset: 0, reason: reason, removed: true))
    }
}
