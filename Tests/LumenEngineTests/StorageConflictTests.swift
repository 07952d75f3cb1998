import Foundation
import LumenModel
import Testing

@testable import LumenEngine

/// A sample for a series and time a block already holds is refused like one the head holds: a repeat is a
/// retry, another value a conflict, and the value first written stays.
struct StorageConflictTests {
    typealias F = StorageFixtures
    static let labels = Labels(["__name__": "requests_total", "service": "cart"])

    static func batch(_ samples: [(second: Int64, value: Double)]) -> Batch {
        Batch(series: [TimeSeries(labels: labels, samples: samples.map {
            Sample(timestamp: F.base + $0.second * F.second, value: $0.value)
        })])
    }

    @Test func samplesAlreadyInABlockAreDuplicatesOrConflicts() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? storage.close() }
        try await storage.append(Self.batch([(0, 1), (10, 2), (20, 3)]))
        try await storage.flush()

        let retried = try await storage.append(Self.batch([(10, 2), (20, 30), (25, 4), (30, 5)]))
        #expect(retried.duplicateSamples == 1)
        #expect(retried.conflictingSamples == 1)
        #expect(retried.samples == 2, "a new time between and after the block's samples is kept")

        let series = storage.series(.anonymous, matching: [], from: .min, to: .max)
        #expect(series.first?.samples.map(\.value) == [1, 2, 3, 4, 5])
        // A series with more labels than the block's is another series: nothing of it is refused.
        var wider = Self.batch([(20, 7)])
        wider.series[0].labels = Labels(["__name__": "requests_total", "service": "cart", "zone": "a"])
        #expect(try await storage.append(wider).samples == 1)
    }
}
