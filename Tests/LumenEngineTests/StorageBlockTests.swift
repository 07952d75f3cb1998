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
            .filter { $0.hasSuffix(".wal") }
        #expect(segments.isEmpty, "the log segments the block holds are released: \(segments)")
        try storage.close()

        let reopened = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? reopened.close() }
        #expect(reopened.head.isEmpty, "nothing already in a block is replayed")
        #expect(F.everything(reopened) == before)
    }
}

extension StorageBlockTests {
    /// A store in `directory` holding `batch` in one block, and the head that held it before the flush.
    private func flushed(_ batch: Batch, in directory: String) async throws -> (storage: Storage, head: Head) {
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        try await storage.append(batch)
        let head = storage.head
        try await storage.flush()
        #expect(storage.blocks.count == 1 && storage.head.isEmpty)
        return (storage, head)
    }

    @Test func prefilteredSpansAndTracesReadTogetherFromBlocksAreWhatTheHeadAnswered() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (storage, head) = try await flushed(F.batch(traces: 3_000), in: directory)
        defer { try? storage.close() }
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
        let traces = storage.traces(.anonymous, ids: ids, prefilter: .none)
        #expect(traces.count == ids.count - 1)
        #expect(traces == head.traces(.anonymous, ids: ids, prefilter: .none))
        // With a prefilter, blocks leave out the spans it refuses; the head returns them all.
        let cart = SpanPrefilter(services: ["cart"])
        #expect(storage.traces(.anonymous, ids: ids, prefilter: cart)
            == head.traces(.anonymous, ids: ids, prefilter: cart).mapValues { $0.filter { $0.serviceName == "cart" } }
                .filter { !$0.value.isEmpty })
    }

    @Test func logLinesFromBlocksAreTheTimesAndSizesOfTheLinesTheHeadHeld() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (storage, head) = try await flushed(F.batch(traces: 3_000), in: directory)
        defer { try? storage.close() }
        // Half the records again in the head: a stream read from two sources is one stream.
        try await storage.append(F.batch(traces: 1_500, offset: 5_000 * F.second))
        let later = Head()
        later.append(F.batch(traces: 1_500, offset: 5_000 * F.second))
        func sorted(_ lines: [LogStreamLines]) -> [Labels: [[Int64]]] {
            Dictionary(uniqueKeysWithValues: lines.filter { !$0.times.isEmpty }.map { stream in
                (stream.labels, zip(stream.times, stream.sizes).map { [$0, Int64($1)] }.sorted { $0[0] < $1[0] })
            })
        }
        for needles in [[], ["timeout"], ["cart 4", "loaded"], ["absent"]] {
            for (from, to) in [(Int64.min, Int64.max), (F.base + 100 * F.second, F.base + 2_000 * F.second)] {
                let expected = LogStreamLines.merged(
                    head.logLines(.anonymous, matching: [], from: from, to: to, lineContains: needles, sizes: true)
                        + later.logLines(.anonymous, matching: [], from: from, to: to, lineContains: needles, sizes: true))
                let found = storage.logLines(.anonymous, matching: [], from: from, to: to, lineContains: needles, sizes: true)
                #expect(sorted(found) == sorted(expected))
                let records = head.logs(.anonymous, matching: [], from: from, to: to, limit: .max, lineContains: []) {
                    record in needles.allSatisfy { record.line.contains($0) }
                }
                #expect(sorted(head.logLines(.anonymous, matching: [], from: from, to: to, lineContains: needles, sizes: true))
                    .values.map(\.count).reduce(0, +) == records.count)
            }
        }
        // A reader that wants fewer lines than the store holds (a query's budget) stops after the source that
        // passes them: the block's lines, not the head's.
        let all = storage.logLines(.anonymous, matching: [], from: .min, to: .max, lineContains: [], sizes: false)
        let some = storage.logLines(.anonymous, matching: [], from: .min, to: .max, lineContains: [], sizes: false,
            wanted: 1)
        let count = { (lines: [LogStreamLines]) in lines.reduce(0) { $0 + $1.times.count } }
        #expect(count(some) > 1 && count(some) < count(all), "\(count(some)) of \(count(all))")
    }

    @Test func theNewestSpansUpToALimitComeFromTheNewestBlocksAndTheHead() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? storage.close() }
        var all: [Span] = []
        for part in 0..<3 {
            let batch = F.batch(traces: 200, offset: Int64(part) * 1_000 * F.second)
            all += batch.spans
            try await storage.append(batch)
            if part < 2 { try await storage.flush() }
        }
        // Retried deliveries of the newest block's spans, now in the head too, are answered once.
        try await storage.append(F.batch(traces: 200, offset: 1_000 * F.second))
        #expect(storage.blocks.count == 2)
        let newestFirst = all.sorted { $0.startTime > $1.startTime }
        for limit in [1, 150, 400, 401, 1_000, 2_000] {
            let found = storage.spans(.anonymous, from: .min, to: .max, limit: limit, prefilter: .none) { _ in true }
            #expect(found.map(\.startTime) == newestFirst.prefix(limit).map(\.startTime))
            #expect(Set(found.map { [$0.traceID.hex, $0.spanID.hex] }).count == found.count)
        }
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
        try await storage.maintain(now: F.base, mayMerge: { false })
        #expect(storage.blocks.count == 3, "a merge the server defers (near its memory ceiling) waits")
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
