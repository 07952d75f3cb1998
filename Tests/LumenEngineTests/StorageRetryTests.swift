import Foundation
import LumenModel
import Testing

@testable import LumenEngine

/// A client whose acknowledgement was lost (a timeout, a `kill -9` after the fsync) sends the same request
/// again: every signal is stored once. Spans and samples already were; log records are dropped as Loki drops
/// them, when equal in stream, time and body to one the head holds.
struct StorageRetryTests {
    typealias F = StorageFixtures

    @Test func aRetriedLogBatchIsStoredOnceAcrossARestart() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let batch = F.batch(traces: 10)
        let first = try Storage(directory: directory, logger: F.quietLogger)
        let report = try await first.append(batch)
        #expect(report.logs == batch.logs.count && report.duplicateLogs == 0)
        let retried = try await first.append(batch)
        #expect(retried.logs == 0 && retried.duplicateLogs == batch.logs.count)
        try first.close()

        let reopened = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? reopened.close() }
        let afterRestart = try await reopened.append(batch)
        #expect(afterRestart.duplicateLogs == batch.logs.count)
        #expect(F.everything(reopened).logs.count == batch.logs.count)
    }

    @Test func recordsThatDifferInStreamTimeOrBodyAreAllKept() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? storage.close() }
        let line = LogRecord(time: F.base, body: .string("disk full"), resource: F.resource("cart"))
        var later = line
        later.time += 1
        var otherText = line
        otherText.body = .string("disk almost full")
        let otherStream = LogRecord(time: F.base, body: .string("disk full"), resource: F.resource("payment"))
        let report = try await storage.append(Batch(logs: [line, later, otherText, otherStream, line]))
        #expect(report.logs == 4 && report.duplicateLogs == 1)
    }
}
