import Foundation
import LumenModel
import Testing

@testable import LumenEngine

/// The head cut into blocks: reads answer the same before and after, across restarts, compaction and retention.
struct StorageBlockTests {
    typealias F = StorageFixtures

    @Test func aFlushedStoreAnswersEveryReadAsTheHeadDid() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        try await storage.append(F.batch(traces: 50))
        let before = F.everything(storage)
        #expect(before.trace.count == 2 && before.traceLogs.count == 1 && before.series.count == 2)

        try await storage.flush()
        #expect(storage.head.isEmpty)
        #expect(storage.blocks.count == 1)
        #expect(F.everything(storage) == before)
        let segments = try FileManager.default.contentsOfDirectory(atPath: directory + "/wal")
        #expect(segments.isEmpty, "the log segments the block holds are released: \(segments)")
        try storage.close()

        let reopened = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? reopened.close() }
        #expect(reopened.head.isEmpty, "nothing already in a block is replayed")
        #expect(F.everything(reopened) == before)
    }
}

extension StorageBlockTests {
    @Test func prefilteredSpansAndTracesReadTogetherFromBlocksAreWhatTheHeadAnswered() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? storage.close() }
        try await storage.append(F.batch(traces: 3_000))
        let head = storage.head
        try await storage.flush()
        #expect(storage.blocks.count == 1 && storage.head.isEmpty)
        let prefilters = [
            SpanPrefilter(services: ["cart"]), SpanPrefilter(statuses: [.error], minDuration: 250_000_000),
            SpanPrefilter(names: ["GET /cart"], maxDuration: 100), .none,
        ]
        for prefilter in prefilters {
            let admitted = { (span: Span) in
                prefilter.admits(service: { span.serviceName }, name: span.name, kind: span.kind,
                    status: span.status.code, duration: span.duration)
            }
            #expect(storage.spans(.anonymous, from: .min, to: .max, limit: .max, prefilter: prefilter, filter: admitted)
                == head.spans(.anonymous, from: .min, to: .max, limit: .max, filter: admitted))
        }
        let ids = Set(stride(from: 0, to: 3_000, by: 37).map(F.traceID) + [F.traceID(9_999)])
        let traces = storage.traces(.anonymous, ids: ids)
        #expect(traces.count == ids.count - 1)
        #expect(traces == head.traces(.anonymous, ids: ids))
    }

    @Test func writesDuringAndAfterCutsSurviveRestartsAndCompaction() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = StorageOptions()
        options.compactionMinBlocks = 3
        var storage = try Storage(directory: directory, options: options, logger: F.quietLogger)
        // Three cuts with writes between them, and one batch left in the head.
        for round in 0..<3 {
            try await storage.append(F.batch(traces: 20, offset: Int64(round) * 100 * F.second))
            try await storage.flush()
        }
        try await storage.append(F.batch(traces: 20, offset: 300 * F.second))
        let before = F.everything(storage)
        #expect(before.spans.count == 160)
        #expect(storage.blocks.count == 3)
        try storage.close()

        storage = try Storage(directory: directory, options: options, logger: F.quietLogger)
        #expect(F.everything(storage) == before, "blocks plus the replayed head")
        try await storage.maintain(now: F.base)
        #expect(storage.blocks.count == 1, "the three blocks are merged")
        #expect(storage.blocks.first?.meta.level == 2)
        #expect(storage.blocks.first?.meta.sources.count == 3)
        #expect(F.everything(storage) == before)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory + "/blocks").filter { BlockID($0) != nil }
        #expect(names == [storage.blocks.first!.meta.id], "the sources are deleted")
        try storage.close()

        storage = try Storage(directory: directory, options: options, logger: F.quietLogger)
        defer { try? storage.close() }
        #expect(F.everything(storage) == before)
    }

    @Test func aRetriedSpanAndARepeatedSampleAreStoredOnceAcrossHeadAndBlocks() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? storage.close() }
        var batch = F.batch(traces: 10)
        batch.logs = []
        try await storage.append(batch)
        let before = F.everything(storage)
        try await storage.flush()
        try await storage.append(batch)  // a client's retry, after its first delivery went into a block
        #expect(F.everything(storage) == before)
    }

    @Test func retentionDeletesWholeBlocksPastIt() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = StorageOptions()
        options.retention = 3600 * F.second
        let storage = try Storage(directory: directory, options: options, logger: F.quietLogger)
        defer { try? storage.close() }
        try await storage.append(F.batch(traces: 5))
        try await storage.flush()
        try await storage.append(F.batch(traces: 5, offset: 7200 * F.second))
        try await storage.flush()
        #expect(storage.blocks.count == 2)
        try await storage.maintain(now: F.base + 7200 * F.second + 1800 * F.second)
        #expect(storage.blocks.count == 1)
        #expect(storage.blocks.first?.meta.minTime ?? 0 >= F.base + 7200 * F.second)
        #expect(F.everything(storage).spans.count == 10)
    }

    @Test func samplesOlderThanTheOutOfOrderWindowAreRefusedAndTheRestKept() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? storage.close() }
        let labels = Labels(["__name__": "temperature"])
        try await storage.append(Batch(series: [TimeSeries(labels: labels, samples: [
            Sample(timestamp: F.base, value: 1)])]))
        let report = try await storage.append(Batch(series: [TimeSeries(labels: labels, samples: [
            Sample(timestamp: F.base - 30 * 60 * F.second, value: 2),  // 30 minutes late: within the hour
            Sample(timestamp: F.base - 2 * 3600 * F.second, value: 3),  // two hours late: refused
        ])]))
        #expect(report.samples == 1)
        #expect(report.tooOldSamples == 1)
        #expect(storage.series(.anonymous, matching: [], from: .min, to: .max).first?.samples.count == 2)
    }

    @Test func tenantsGetBlocksOfTheirOwnAndNeverSeeEachOther() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? storage.close() }
        let teamA = Tenant("team-a")!
        try await storage.append(F.batch(traces: 4, tenant: teamA))
        try await storage.append(F.batch(traces: 6))
        try await storage.flush()
        #expect(Set(storage.blocks.map(\.tenant)) == [teamA, .anonymous])
        #expect(F.everything(storage, tenant: teamA).spans.count == 8)
        #expect(F.everything(storage).spans.count == 12)
        #expect(F.everything(storage, tenant: Tenant("nobody")!).spans.isEmpty)
    }
}
