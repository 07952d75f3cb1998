import Foundation
import Logging
import Testing
@testable import LumenEngine

/// What replay does with what a crash or a bad disk leaves behind.
struct WALRepairTests {
    /// Writes `count` payloads of 40 bytes (records of 48) in one log and closes it.
    private func fill(_ directory: WALTemporaryDirectory, count: Int, segmentSize: Int = 1 << 20) async throws {
        let (wal, _, _) = try openAndReplay(directory.path, segmentSize: segmentSize)
        for number in 1...count { try await wal.append(walPayload(number)) }
        try wal.close()
    }

    @Test func aTornTailIsTruncatedAndLaterAppendsReplayToo() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        try await fill(directory, count: 5)
        let name = "00000001.wal"
        let full = try directory.bytes(of: name)
        try directory.write(Array(full.dropLast(13)), to: name)  // cut the fifth record mid-payload

        let (logger, log) = WALRecordingLogHandler.logger()
        let (wal, payloads, report) = try openAndReplay(directory.path, logger: logger)
        #expect(payloads == (1...4).map { walPayload($0) })
        let tornAt = 8 + 4 * 48
        #expect(report.truncations.map(\.offset) == [tornAt])
        #expect(report.truncations.first?.removed == false)
        #expect(report.truncations.first?.reason.contains("past the end") == true)
        #expect(try directory.size(of: name) == tornAt)
        let warning = try #require(log.warnings.first)
        #expect(warning.metadata["segment"]?.hasSuffix(name) == true)
        #expect(warning.metadata["offset"] == "\(tornAt)")

        try await wal.append(walPayload(6))
        try await wal.append(walPayload(7))
        try wal.close()
        let (reopened, all, clean) = try openAndReplay(directory.path)
        try reopened.close()
        #expect(all == [1, 2, 3, 4, 6, 7].map { walPayload($0) })
        #expect(clean.isClean)
    }

    @Test func aTornRecordHeaderIsTruncated() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        try await fill(directory, count: 2)
        let name = "00000001.wal"
        try directory.write(try directory.bytes(of: name) + [0x30, 0, 0], to: name)  // three bytes of a header

        let (wal, payloads, report) = try openAndReplay(directory.path)
        try wal.close()
        #expect(payloads.count == 2)
        #expect(report.truncations.first?.offset == 8 + 2 * 48)
        #expect(report.truncations.first?.reason.contains("torn record header") == true)
        #expect(try directory.size(of: name) == 8 + 2 * 48)
    }

    @Test func aCorruptLastRecordOfASegmentCostsThatRecordAndLaterSegmentsReplay() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        try await fill(directory, count: 6, segmentSize: 100)  // three segments of two records
        #expect(try directory.segmentNames().count == 3)
        var bytes = try directory.bytes(of: "00000002.wal")
        bytes[8 + 48 + 8 + 5] ^= 0x01  // a payload byte of the segment's second record
        try directory.write(bytes, to: "00000002.wal")

        let (logger, log) = WALRecordingLogHandler.logger()
        let (wal, payloads, report) = try openAndReplay(directory.path, segmentSize: 100, logger: logger)
        #expect(payloads == [1, 2, 3, 5, 6].map { walPayload($0) })
        #expect(report.truncations.count == 1)
        #expect(report.truncations[0].segment == "00000002.wal")
        #expect(report.truncations[0].offset == 8 + 48)
        #expect(report.truncations[0].reason.contains("checksum mismatch"))
        #expect(try directory.segmentNames() == ["00000001.wal", "00000002.wal", "00000003.wal"])
        #expect(log.warnings.count == 1)

        try await wal.append(walPayload(9))
        try wal.close()
        let (reopened, all, clean) = try openAndReplay(directory.path, segmentSize: 100)
        try reopened.close()
        #expect(all == [1, 2, 3, 5, 6, 9].map { walPayload($0) })
        #expect(clean.isClean)
    }

    @Test func aCorruptRecordBetweenIntactOnesIsSkippedAloneAndSaidSo() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        try await fill(directory, count: 6, segmentSize: 100)
        var bytes = try directory.bytes(of: "00000002.wal")
        bytes[8 + 8 + 5] ^= 0x01  // a payload byte of the segment's first record
        try directory.write(bytes, to: "00000002.wal")

        let (logger, log) = WALRecordingLogHandler.logger()
        let (wal, payloads, report) = try openAndReplay(directory.path, segmentSize: 100, logger: logger)
        try wal.close()
        #expect(payloads == [1, 2, 4, 5, 6].map { walPayload($0) })
        #expect(report.truncations.isEmpty)
        #expect(report.skipped == [.init(segment: "00000002.wal", offset: 8, bytes: 48,
            reason: report.skipped.first?.reason ?? "")])
        #expect(report.skipped.first?.reason.contains("checksum mismatch") == true)
        #expect(!report.isClean)
        #expect(log.warnings.count == 1)
    }

    @Test func anImpossibleLengthIsTreatedAsCorruptionWithoutAllocatingIt() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        try await fill(directory, count: 2)
        var bytes = try directory.bytes(of: "00000001.wal")
        bytes.replaceSubrange(8 + 48..<8 + 48 + 4, with: [0xFF, 0xFF, 0xFF, 0xFF])
        try directory.write(bytes, to: "00000001.wal")

        let (wal, payloads, report) = try openAndReplay(directory.path)
        try wal.close()
        #expect(payloads == [walPayload(1)])
        #expect(report.truncations.first?.reason.contains("exceeds the limit") == true)
    }

    @Test func aSegmentWithABadHeaderIsRemovedAndTheSegmentsAfterItReplay() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        try await fill(directory, count: 6, segmentSize: 100)
        var bytes = try directory.bytes(of: "00000002.wal")
        bytes[0] = UInt8(ascii: "X")
        try directory.write(bytes, to: "00000002.wal")

        let (wal, payloads, report) = try openAndReplay(directory.path, segmentSize: 100)
        try wal.close()
        #expect(payloads == [1, 2, 5, 6].map { walPayload($0) })
        #expect(report.truncations.map(\.segment) == ["00000002.wal"])
        #expect(report.truncations.allSatisfy { $0.removed })
        #expect(try directory.segmentNames() == ["00000001.wal", "00000003.wal"])
    }

    @Test func anEmptySegmentLeftByACrashAtCreationIsRemoved() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        try await fill(directory, count: 1)
        try directory.write([], to: "00000002.wal")
        try directory.write([1, 2, 3], to: "notes.txt")  // not a segment: left alone

        let (wal, payloads, report) = try openAndReplay(directory.path)
        try wal.close()
        #expect(payloads == [walPayload(1)])
        #expect(report.truncations.first?.reason.contains("short") == true)
        #expect(try directory.segmentNames() == ["00000001.wal"])
        #expect(FileManager.default.fileExists(atPath: directory.path + "/notes.txt"))
    }
}
