import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing
@testable import LumenEngine

/// A full disk is a state the log waits out: a failed commit is cut back to the last durable record, the log
/// says it is full, and appends succeed again once there is room. The failures are injected where the writer
/// meets the file (after a write reached it, before its fsync), as a full disk makes them.
struct WALDiskFullTests {
    private static let full = WALError(.diskFull, "write failed", path: "injected.wal", errno: ENOSPC)
    private static let recordSize = WALRecordHeader.size + 40

    /// Closes the log and replays its directory afresh: what a restart reads.
    private func reopened(
        _ wal: WriteAheadLog, _ directory: WALTemporaryDirectory, segmentSize: Int = WriteAheadLog.defaultSegmentSize
    ) throws -> (payloads: [[UInt8]], report: WALReplayReport) {
        try wal.close()
        let (reopened, payloads, report) = try openAndReplay(directory.path, segmentSize: segmentSize)
        try reopened.close()
        return (payloads, report)
    }

    @Test func aWriteThatFindsTheDiskFullIsCutBackToTheLastRecordAndTheNextAppendSucceeds() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        let (wal, _, _) = try openAndReplay(directory.path, segmentSize: 4096)
        wal.spaceProbeFits = { false }  // this disk has room: only a commit may end the state here
        wal.writer.spare.waitUntilSettled()
        try await wal.append(walPayload(1))
        let durable = try directory.bytes(of: "00000001.wal").prefix(WALSegment.headerSize + Self.recordSize)
        wal.writer.afterWrite = { throw Self.full }

        let refused = await #expect(throws: WALError.self) { try await wal.append(walPayload(2)) }
        #expect(refused?.code == .diskFull)
        #expect(wal.diskFull?.code == .diskFull)
        #expect(wal.failure == nil)
        // The prepared zeros and the half-written record are gone: the segment ends at record 1.
        #expect(try directory.bytes(of: "00000001.wal") == Array(durable))

        wal.writer.afterWrite = nil
        try await wal.append(walPayload(3))
        #expect(wal.diskFull == nil)
        let (payloads, report) = try reopened(wal, directory, segmentSize: 4096)
        #expect(payloads == [walPayload(1), walPayload(3)])
        #expect(report.isClean)
    }

    @Test func anFsyncThatFindsTheDiskFullIsUndoneFromTheLastDurableOffsetNotTheCache() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        let (wal, _, _) = try openAndReplay(directory.path)
        try await wal.append(walPayload(1))
        wal.writer.beforeSync = { throw Self.full }

        for number in 2...4 {
            let refused = await #expect(throws: WALError.self) { try await wal.append(walPayload(number)) }
            #expect(refused?.code == .diskFull)
            #expect(try directory.size(of: "00000001.wal") == WALSegment.headerSize + Self.recordSize)
        }
        wal.writer.beforeSync = nil
        try await wal.append(walPayload(5))
        try await wal.append(walPayload(6))
        let (payloads, report) = try reopened(wal, directory)
        #expect(payloads == [walPayload(1), walPayload(5), walPayload(6)])
        #expect(report.isClean)
    }

    @Test func aFailedCommitThatStartedASegmentRemovesItAndTheNextOneTakesItsNumber() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        // Each record fills a segment, so the second append starts segment 2.
        let (wal, _, _) = try openAndReplay(directory.path, segmentSize: 50)
        try await wal.append(walPayload(1))
        wal.writer.afterWrite = { throw Self.full }
        await #expect(throws: WALError.self) { try await wal.append(walPayload(2)) }
        #expect(try directory.segmentNames() == ["00000001.wal"])

        wal.writer.afterWrite = nil
        try await wal.append(walPayload(3))
        #expect(try directory.segmentNames() == ["00000001.wal", "00000002.wal"])
        let (payloads, report) = try reopened(wal, directory, segmentSize: 50)
        #expect(payloads == [walPayload(1), walPayload(3)])
        #expect(report.isClean)
    }

    @Test func theSpaceProbeEndsTheFullStateWithoutWaitingForAWrite() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        let (wal, _, _) = try openAndReplay(directory.path)
        let spaceReturned = Mutex(false)
        let probe = WALSpaceProbe(directory: directory.path)
        wal.spaceProbeFits = { spaceReturned.withLock { $0 } && probe.fits() }
        wal.writer.afterWrite = { throw Self.full }
        await #expect(throws: WALError.self) { try await wal.append(walPayload(1)) }
        #expect(wal.diskFull != nil)

        // This directory has room: from now on the probe, once a second, finds it and clears the state.
        spaceReturned.withLock { $0 = true }
        let deadline = ContinuousClock.now + .seconds(15)
        while wal.diskFull != nil && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(wal.diskFull == nil)
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/" + WALSpaceProbe.fileName))
        try wal.close()
    }

    @Test func aFailureOtherThanAFullDiskIsUndoneButStaysSticky() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        let (wal, _, _) = try openAndReplay(directory.path)
        try await wal.append(walPayload(1))
        wal.writer.afterWrite = { throw WALError(.io, "write failed", path: "injected.wal", errno: EIO) }
        await #expect(throws: WALError.self) { try await wal.append(walPayload(2)) }
        wal.writer.afterWrite = nil
        let later = await #expect(throws: WALError.self) { try await wal.append(walPayload(3)) }
        #expect(later?.code == .durabilityLost)
        #expect(try directory.size(of: "00000001.wal") == WALSegment.headerSize + Self.recordSize)
        #expect(try reopened(wal, directory).payloads == [walPayload(1)])
    }

    @Test func theSpareSegmentTakesAtMostHalfTheFreeSpaceOrWaitsForRoom() {
        let segment = 64 << 20
        #expect(WALSpareSegment.preparedSize(segmentSize: segment, available: 1 << 40) == segment)
        #expect(WALSpareSegment.preparedSize(segmentSize: segment, available: nil) == segment)
        #expect(WALSpareSegment.preparedSize(segmentSize: segment, available: 10 << 20) == 5 << 20)
        #expect(WALSpareSegment.preparedSize(segmentSize: segment, available: (10 << 20) + 12345) == (5 << 20) + 4096)  // whole pages
        #expect(WALSpareSegment.preparedSize(segmentSize: segment, available: 1 << 20) == 0)
        #expect(WALSpareSegment.preparedSize(segmentSize: segment, available: 0) == 0)
        #expect(WALSpareSegment.preparedSize(segmentSize: 4096, available: 8192) == 4096)
        #expect(WALSpareSegment.preparedSize(segmentSize: 4096, available: 100) == 0)
    }
}
