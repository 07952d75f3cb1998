import Foundation
import Logging
import Testing
@testable import LumenEngine

/// Segments are zero-filled ahead of use (`WALSpareSegment`); replay reads their zeros as the end of their records.
struct WALZeroFilledSegmentTests {
    private let segmentSize = 64 << 10

    /// A segment of the current version holding `payloads`, then `zeros` zero bytes.
    private func segment(_ payloads: [[UInt8]], zeros: Int = 0) -> [UInt8] {
        var bytes = WALSegment.header
        for payload in payloads {
            WALRecordHeader(payload: payload).write(to: &bytes)
            bytes += payload
        }
        return bytes + [UInt8](repeating: 0, count: zeros)
    }

    @Test func appendsGoToAPreparedSegmentAndACrashLeavesZerosThatReplayReadsAsTheEnd() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        let (wal, _, _) = try openAndReplay(directory.path, segmentSize: segmentSize)
        wal.writer.spare.waitUntilSettled()
        for number in 1...3 { try await wal.append(walPayload(number)) }
        wal.writer.spare.waitUntilSettled()
        // No close: as after kill -9, the segment keeps its full prepared size, zeros after the records.
        let written = 8 + 3 * 48
        let bytes = try directory.bytes(of: "00000001.wal")
        #expect(bytes.count == segmentSize)
        #expect(bytes[written...].allSatisfy { $0 == 0 })
        #expect(FileManager.default.fileExists(atPath: directory.path + "/" + WALSpareSegment.fileName))

        let (logger, log) = WALRecordingLogHandler.logger()
        let (reopened, payloads, report) = try openAndReplay(directory.path, segmentSize: segmentSize, logger: logger)
        try reopened.close()
        #expect(payloads == (1...3).map { walPayload($0) })
        #expect(report.isClean)
        #expect(log.warnings.isEmpty)
        #expect(try directory.size(of: "00000001.wal") == written, "the zeros are cut off, the records kept")
    }

    @Test func zerosEndOnlyTheirOwnSegmentAndTheSegmentsAfterThemReplay() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        // A segment ended early (a rotation) whose zeros a crash kept, then the next segment.
        try directory.write(segment([walPayload(1), walPayload(2)], zeros: 1000), to: "00000001.wal")
        try directory.write(segment([walPayload(3)], zeros: 1000), to: "00000002.wal")

        let (wal, payloads, report) = try openAndReplay(directory.path)
        try wal.close()
        #expect(payloads == (1...3).map { walPayload($0) })
        #expect(report.isClean)
        #expect(try directory.segmentNames() == ["00000001.wal", "00000002.wal"])
    }

    @Test func aRotationAndCloseCutTheirSegmentsToTheRecordsAndRemoveTheSpare() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        let (wal, _, _) = try openAndReplay(directory.path, segmentSize: segmentSize)
        wal.writer.spare.waitUntilSettled()
        try await wal.append(walPayload(1))
        wal.writer.spare.waitUntilSettled()
        try await wal.rotate()
        try await wal.append(walPayload(2))
        try wal.close()
        #expect(try directory.size(of: "00000001.wal") == 8 + 48)
        #expect(try directory.size(of: "00000002.wal") == 8 + 48)
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/" + WALSpareSegment.fileName))
    }

    @Test func aPreparedSegmentACrashLeftUnwrittenIsRemovedSayingSo() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        try directory.write(segment([walPayload(1)]), to: "00000001.wal")
        try directory.write([UInt8](repeating: 0, count: 4096), to: "00000002.wal")

        let (wal, payloads, report) = try openAndReplay(directory.path)
        try wal.close()
        #expect(payloads == [walPayload(1)])
        #expect(report.truncations.map(\.segment) == ["00000002.wal"])
        #expect(report.truncations.first?.reason.contains("before its first record") == true)
    }

    @Test func aVersion1SegmentStillReplaysWithItsEmptyRecord() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        // Version 1 checksums the payload alone, so an empty record's header is eight zero bytes there.
        var bytes: [UInt8] = Array("LWAL".utf8) + [1, 0, 0, 0]
        for payload in [walPayload(1), []] {
            let crc = CRC32C.checksum(payload)
            bytes += [UInt8(payload.count), 0, 0, 0]
            bytes += [UInt8(crc & 0xff), UInt8(crc >> 8 & 0xff), UInt8(crc >> 16 & 0xff), UInt8(crc >> 24)]
            bytes += payload
        }
        try directory.write(bytes, to: "00000001.wal")

        let (wal, payloads, report) = try openAndReplay(directory.path)
        try wal.close()
        #expect(payloads == [walPayload(1), []])
        #expect(report.isClean)
        #expect(try directory.size(of: "00000001.wal") == bytes.count)
    }
}
