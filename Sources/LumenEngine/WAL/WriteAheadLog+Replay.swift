import Logging

extension WriteAheadLog {
    /// Hands every intact record's payload to `body`, oldest first, and repairs a damaged tail.
    ///
    /// Must run exactly once, before the first `append`. A torn or corrupt record (short header, length past
    /// the end of the file or over the limit, checksum mismatch) or a bad segment header ends the log there:
    /// the segment is truncated at that record's start (removed if its header is bad), every later segment is
    /// removed, each with a warning naming file and offset. This is not an error — it is what a crash mid-write
    /// leaves behind. An error thrown by `body` stops replay and is rethrown, with nothing repaired.
    /// Appends after replay go to a fresh segment.
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

        let all = try WALFile.list(directory).compactMap(WALSegment.init(fileName:)).sorted()
        let covered = all.filter { $0.index < firstSegment }
        for segment in covered { try WALFile.remove(directory + "/" + segment.fileName) }
        if !covered.isEmpty { try WALFile.syncDirectory(directory) }
        let segments = all.filter { $0.index >= firstSegment }
        var report = WALReplayReport()
        var damagedAt: Int?  // position in `segments` of the segment where the log ends early
        var survivors = segments

        reading: for (position, segment) in segments.enumerated() {
            if position > 0, segment.index != segments[position - 1].index + 1 {
                logger.warning("WAL segments are not contiguous; replaying across the gap", metadata: [
                    "directory": "\(directory)", "after": "\(segments[position - 1].fileName)",
                    "segment": "\(segment.fileName)",
                ])
            }
            let path = directory + "/" + segment.fileName
            let bytes = try WALFile.readAll(path)
            report.segments += 1
            let version: UInt8
            switch WALSegment.readHeader(bytes[...]) {
            case .success(let read):
                version = read
            case .failure(let problem):
                try removeSegment(segment, reason: problem.message, into: &report)
                survivors.removeAll { $0 == segment }
                damagedAt = position
                break reading
            }
            var offset = WALSegment.headerSize
            while offset < bytes.count {
                let payloadStart = offset + WALRecordHeader.size
                var problem: String?
                var payload: [UInt8] = []
                if payloadStart > bytes.count {
                    problem = "torn record header (\(bytes.count - offset) of \(WALRecordHeader.size) bytes)"
                } else {
                    let header = WALRecordHeader.read(from: bytes, at: offset)
                    let length = Int(header.length)
                    if version >= 2 && header.isZero {
                        // The zero-filled rest of a segment (`WALSpareSegment`): its records end here. Not damage,
                        // so later segments stay; cutting the zeros off only returns the space.
                        try WALFile.truncate(path, to: offset)
                        break
                    } else if length > WALRecordHeader.maxPayloadLength {
                        problem = "record length \(length) exceeds the limit of \(WALRecordHeader.maxPayloadLength)"
                    } else if length > bytes.count - payloadStart {
                        problem = "torn record: length \(length) runs past the end of the file "
                            + "(\(bytes.count - payloadStart) bytes left)"
                    } else {
                        payload = Array(bytes[payloadStart..<payloadStart + length])
                        let checksum = WALRecordHeader.checksum(
                            of: payload, length: header.length, segmentVersion: version)
                        if checksum != header.checksum {
                            problem = "checksum mismatch: stored \(hex(header.checksum)), computed \(hex(checksum))"
                        }
                    }
                }
                if let problem {
                    try truncateSegment(segment, at: offset, reason: problem, into: &report)
                    damagedAt = position
                    break
                }
                try body(payload)
                report.records += 1
                report.bytes += payload.count
                offset = payloadStart + payload.count
            }
            if damagedAt != nil { break }
        }

        if let damagedAt {
            for later in segments[(damagedAt + 1)...] {
                try removeSegment(later, reason: "follows a damaged segment", into: &report)
                survivors.removeAll { $0 == later }
            }
            try WALFile.syncDirectory(directory)
        }
        writer.nextSegmentIndex = max((survivors.last?.index ?? 0) + 1, firstSegment)
        writer.spare.prepare()
        finished = true
        return report
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
        try WALFile.remove(path)
        report.truncations.append(.init(segment: segment.fileName, offset: 0, reason: reason, removed: true))
    }

    private func hex(_ value: UInt32) -> String {
        "0x" + String(value, radix: 16, uppercase: true)
    }
}
