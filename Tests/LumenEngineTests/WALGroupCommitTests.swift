import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Testing
@testable import LumenEngine

struct WALGroupCommitTests {
    @Test func concurrentAppendsAreAllDurableWithFewerFsyncsThanAppends() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        let (wal, _, _) = try openAndReplay(directory.path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for number in 0..<200 {
                group.addTask { try await wal.append(walPayload(number, size: 100 + number)) }
            }
            try await group.waitForAll()
        }
        let stats = wal.stats
        try wal.close()

        #expect(stats.records == 200)
        #expect(stats.fsyncs < 200)
        #expect(stats.commits == stats.fsyncs)
        #expect(stats.bytes == 8 + (0..<200).reduce(0) { $0 + 8 + 100 + $1 })
        let (reopened, payloads, report) = try openAndReplay(directory.path)
        try reopened.close()
        #expect(report.records == 200)
        #expect(Set(payloads) == Set((0..<200).map { walPayload($0, size: 100 + $0) }))
    }

    @Test func concurrentAppendsAcrossRotationsAreAllReplayed() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        let (wal, _, _) = try openAndReplay(directory.path, segmentSize: 1000)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for number in 0..<100 {
                group.addTask { try await wal.append(walPayload(number, size: 90)) }
            }
            try await group.waitForAll()
        }
        #expect(wal.stats.segments > 5)
        try wal.close()
        let (reopened, payloads, report) = try openAndReplay(directory.path, segmentSize: 1000)
        try reopened.close()
        #expect(report.isClean)
        #expect(Set(payloads) == Set((0..<100).map { walPayload($0, size: 90) }))
    }

    @Test func closeWaitsForPendingAppends() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        let (wal, _, _) = try openAndReplay(directory.path)
        let appends = Task {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for number in 0..<50 {
                    group.addTask {
                        do {
                            try await wal.append(walPayload(number))
                            return true
                        } catch let error as WALError where error.code == .closed {
                            return false
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
        }
        try await Task.sleep(for: .milliseconds(2))
        try wal.close()
        let acknowledged = try await appends.value

        let (reopened, payloads, _) = try openAndReplay(directory.path)
        try reopened.close()
        #expect(payloads.count == acknowledged)  // every acknowledged append is durable, none extra
    }
}

struct WALFailureTests {
    @Test func aFailedFsyncFailsThatAppendAndEveryLaterOne() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        let (wal, _, _) = try openAndReplay(directory.path)
        try await wal.append(walPayload(1))
        wal.writer.beforeSync = { throw WALError(.io, "fsync failed", path: "injected.wal", errno: EIO) }

        let first = await #expect(throws: WALError.self) { try await wal.append(walPayload(2)) }
        #expect(first?.code == .io)
        #expect(first?.errno == EIO)
        wal.writer.beforeSync = nil  // the disk "recovers", but durability of the lost pages is unknown
        let later = await #expect(throws: WALError.self) { try await wal.append(walPayload(3)) }
        #expect(later?.code == .durabilityLost)
        #expect(later?.path == "injected.wal")
        #expect(wal.stats.records == 1)
        try wal.close()
    }
}
