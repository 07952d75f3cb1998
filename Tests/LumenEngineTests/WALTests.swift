import Foundation
import Logging
import Testing
@testable import LumenEngine

struct WALTests {
    @Test func recordsAppendedBeforeCloseAreReplayedAfterReopen() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        let (wal, initial, firstReport) = try openAndReplay(directory.path)
        #expect(initial.isEmpty)
        #expect(firstReport == WALReplayReport())
        for number in 1...3 { try await wal.append(walPayload(number)) }
        try await wal.append([])
        try wal.close()

        let (reopened, payloads, report) = try openAndReplay(directory.path)
        defer { try? reopened.close() }
        #expect(payloads == [walPayload(1), walPayload(2), walPayload(3), []])
        #expect(report.records == 4)
        #expect(report.bytes == 120)
        #expect(report.segments == 1)
        #expect(report.isClean)
    }

    @Test func appendsAfterReplayGoToAFreshSegment() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        let (wal, _, _) = try openAndReplay(directory.path)
        try await wal.append(walPayload(1))
        try wal.close()
        let (second, _, _) = try openAndReplay(directory.path)
        try await second.append(walPayload(2))
        try second.close()

        #expect(try directory.segmentNames() == ["00000001.wal", "00000002.wal"])
        let (third, payloads, report) = try openAndReplay(directory.path)
        try third.close()
        #expect(payloads == [walPayload(1), walPayload(2)])
        #expect(report.segments == 2)
    }

    @Test func segmentFilesStartWithMagicAndVersion() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        let (wal, _, _) = try openAndReplay(directory.path)
        try await wal.append([0xAA, 0xBB])
        try wal.close()

        let bytes = try directory.bytes(of: "00000001.wal")
        // "LWAL", version 2, reserved; then length 2, CRC-32C of the length's four bytes and the payload
        // (0x9923EF16, from a bitwise CRC-32C outside this code), payload. Closing cut the zero-filled rest.
        let expected: [UInt8] = [0x4C, 0x57, 0x41, 0x4C, 2, 0, 0, 0, 2, 0, 0, 0, 0x16, 0xEF, 0x23, 0x99, 0xAA, 0xBB]
        #expect(bytes == expected)
    }

    @Test func aSmallSegmentSizeRotatesSegmentsAndReplayKeepsOrder() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        // Header 8 + two records of 8 + 40 = 104 ≥ 100: every segment holds two records.
        let (wal, _, _) = try openAndReplay(directory.path, segmentSize: 100)
        for number in 1...7 { try await wal.append(walPayload(number)) }
        #expect(wal.stats.segments == 4)
        #expect(wal.stats.records == 7)
        try wal.close()

        #expect(try directory.segmentNames() == ["00000001.wal", "00000002.wal", "00000003.wal", "00000004.wal"])
        #expect(try directory.size(of: "00000001.wal") == 104)
        let (reopened, payloads, report) = try openAndReplay(directory.path, segmentSize: 100)
        try reopened.close()
        #expect(payloads == (1...7).map { walPayload($0) })
        #expect(report.segments == 4)
    }

    @Test func appendAfterCloseFailsWithClosed() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        let (wal, _, _) = try openAndReplay(directory.path)
        try await wal.append(walPayload(1))
        try wal.close()
        try wal.close()  // a second close is harmless

        let error = await #expect(throws: WALError.self) { try await wal.append(walPayload(2)) }
        #expect(error?.code == .closed)
    }

    @Test func appendBeforeReplayAndASecondReplayAreRefused() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        let wal = try WriteAheadLog(directory: directory.path, logger: Logger(label: "wal-test"))
        let early = await #expect(throws: WALError.self) { try await wal.append(walPayload(1)) }
        #expect(early?.code == .misuse)
        _ = try wal.replay { _ in }
        let again = #expect(throws: WALError.self) { try wal.replay { _ in } }
        #expect(again?.code == .misuse)
        try wal.close()
    }

    @Test func initCreatesAMissingDirectoryWithItsParents() throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        let nested = directory.path + "/a/b/wal"
        let wal = try WriteAheadLog(directory: nested, logger: Logger(label: "wal-test"))
        try wal.close()
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: nested, isDirectory: &isDirectory) && isDirectory.boolValue)
    }

    @Test func anErrorThrownByTheReplayBodyIsRethrownAndRepairsNothing() async throws {
        struct Stop: Error {}
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        let (wal, _, _) = try openAndReplay(directory.path)
        for number in 1...3 { try await wal.append(walPayload(number)) }
        try wal.close()

        let failing = try WriteAheadLog(directory: directory.path, logger: Logger(label: "wal-test"))
        #expect(throws: Stop.self) { try failing.replay { _ in throw Stop() } }
        #expect(try directory.size(of: "00000001.wal") == 8 + 3 * 48)
        var count = 0
        _ = try failing.replay { _ in count += 1 }  // a failed replay may be retried
        #expect(count == 3)
        try failing.close()
    }
}
