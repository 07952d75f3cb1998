import Foundation
import LumenModel
import Testing

@testable import LumenEngine

/// Time is bounded: nothing more than the future window ahead of the clock is stored or moves a window, and
/// the out-of-order window trails each series, so one client's clock never blocks another's writes.
struct StorageTimeBoundsTests {
    typealias F = StorageFixtures
    static let minute: Int64 = 60 * F.second

    private func sample(_ name: String, _ host: String, at time: Int64, _ value: Double = 1) -> TimeSeries {
        TimeSeries(labels: Labels(["__name__": name, "host": host]), samples: [Sample(timestamp: time, value: value)])
    }

    private func stored(_ storage: Storage, host: String) -> [Int64] {
        storage.series(.anonymous, matching: [try! LabelMatcher("host", .equal, host)], from: .min, to: .max)
            .flatMap { $0.samples.map(\.timestamp) }
    }

    @Test func aSampleAheadOfTheClockIsRefusedAndNeverBlocksTheNextOnes() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? storage.close() }
        let now = Timestamp.now()
        for skewed in [now + 2 * 60 * Self.minute, 7_258_118_400 * F.second /* 2200 */, Int64.max] {
            let report = try await storage.append(Batch(series: [sample("cpu", "skewed", at: skewed)]))
            #expect(report.tooNewSamples == 1 && report.samples == 0, "\(skewed)")
        }
        let report = try await storage.append(Batch(series: [sample("cpu", "normal", at: now)]))
        #expect(report.samples == 1 && report.tooOldSamples == 0)
        #expect(stored(storage, host: "skewed").isEmpty)
    }

    @Test func logRecordsSpansAndExemplarsAheadOfTheClockAreRefused() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? storage.close() }
        let future = Timestamp.now() + 24 * 60 * Self.minute
        var batch = F.batch(traces: 2)
        batch.logs.append(LogRecord(time: future, body: .string("from the future"), resource: F.resource("cart")))
        var span = batch.spans[0]
        span.startTime = future
        span.endTime = future + F.second
        batch.spans.append(span)
        var series = sample("orders_total", "a", at: Timestamp.now())
        series.exemplars = [Exemplar(labels: Labels(["trace_id": "abc"]), timestamp: future, value: 1)]
        batch.series = [series]
        let report = try await storage.append(batch)
        #expect(report.tooNewLogs == 1)
        #expect(report.tooNewSpans == 1)
        #expect(report.tooNewExemplars == 1)
        #expect(report.samples == 1)
        #expect(report.logs == F.batch(traces: 2).logs.count)
    }

    @Test func theOutOfOrderWindowTrailsEachSeriesNotTheTenant() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? storage.close() }
        let now = Timestamp.now()
        // A host three hours behind (a backfill, a stuck clock) and a live one, in one tenant.
        try await storage.append(Batch(series: [sample("cpu", "behind", at: now - 180 * Self.minute)]))
        try await storage.append(Batch(series: [sample("cpu", "live", at: now)]))
        let late = try await storage.append(Batch(series: [sample("cpu", "behind", at: now - 179 * Self.minute)]))
        #expect(late.samples == 1 && late.tooOldSamples == 0)
        // The live series' own window still holds.
        let tooOld = try await storage.append(Batch(series: [sample("cpu", "live", at: now - 120 * Self.minute)]))
        #expect(tooOld.tooOldSamples == 1)
        #expect(stored(storage, host: "behind").count == 2)
    }

    @Test func aSampleStoredAheadOfTheClockBeforeTheWindowExistedDoesNotBlockAfterARestart() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var lenient = StorageOptions()
        lenient.futureWindow = 400 * 24 * 60 * Self.minute
        let now = Timestamp.now()
        let first = try Storage(directory: directory, options: lenient, logger: F.quietLogger)
        try await first.append(Batch(series: [sample("cpu", "skewed", at: now + 300 * 24 * 60 * Self.minute)]))
        try first.close()
        let reopened = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? reopened.close() }
        let report = try await reopened.append(Batch(series: [sample("cpu", "new", at: now - 30 * Self.minute)]))
        #expect(report.samples == 1 && report.tooOldSamples == 0)
    }
}
