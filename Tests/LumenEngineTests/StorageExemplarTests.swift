import Foundation
import LumenModel
import Testing

@testable import LumenEngine

/// Exemplars are stored with their series: retries stored once, bounded per series, refused when too old, and
/// kept through the log, a head cut and a restart.
struct StorageExemplarTests {
    typealias F = StorageFixtures
    static let labels = Labels(["__name__": "latency_seconds_bucket", "le": "0.5"])

    static func exemplar(_ second: Int64, trace: Int = 1) -> Exemplar {
        Exemplar(labels: Labels(["trace_id": F.traceID(trace).hex]), timestamp: F.base + second * F.second, value: 0.4)
    }

    static func batch(_ exemplars: [Exemplar], samples: [Sample] = []) -> Batch {
        Batch(series: [TimeSeries(labels: labels, samples: samples, exemplars: exemplars)])
    }

    @Test func aRetryIsStoredOnceAndTheOldestGoPastThePerSeriesBound() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        let first = try await storage.append(Self.batch([Self.exemplar(1), Self.exemplar(2, trace: 2)]))
        let retry = try await storage.append(Self.batch([Self.exemplar(1), Self.exemplar(2, trace: 2)]))
        #expect(first.exemplars == 2 && retry.exemplars == 0)

        let many = (10..<Int64(10 + MetricHead.maxExemplarsPerSeries)).map { Self.exemplar($0, trace: Int($0)) }
        try await storage.append(Self.batch(many))
        let kept = storage.exemplars(.anonymous, matching: [], from: .min, to: .max)
        #expect(kept.count == 1)
        #expect(kept.first?.exemplars.count == MetricHead.maxExemplarsPerSeries)
        #expect(kept.first?.exemplars.first == many.first, "the two oldest gave way")
        try storage.close()
    }

    @Test func exemplarsOlderThanTheOutOfOrderWindowAreRefusedAndCounted() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        try await storage.append(Self.batch([], samples: [Sample(timestamp: F.base + 7200 * F.second, value: 1)]))
        let report = try await storage.append(Self.batch([Self.exemplar(0), Self.exemplar(7000)]))
        #expect(report.tooOldExemplars == 1 && report.exemplars == 1)
        try storage.close()
    }

    @Test func exemplarsWithoutSamplesSurviveAHeadCutAndARestart() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        try await storage.append(Self.batch([Self.exemplar(1), Self.exemplar(2, trace: 2)]))
        try await storage.flush()
        #expect(storage.blocks.first?.meta.exemplars == ExemplarPart.Statistics(series: 1, exemplars: 2))
        try await storage.append(Self.batch([Self.exemplar(3, trace: 3)]))
        try storage.close()

        let reopened = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? reopened.close() }
        let le = try LabelMatcher("le", .equal, "0.5")
        let found = reopened.exemplars(.anonymous, matching: [le], from: F.base + 2 * F.second, to: .max)
        #expect(found.first?.exemplars.map(\.traceID) == [F.traceID(2), F.traceID(3)])
        let other = try LabelMatcher("le", .equal, "1")
        #expect(reopened.exemplars(.anonymous, matching: [other], from: .min, to: .max).isEmpty)
    }
}
