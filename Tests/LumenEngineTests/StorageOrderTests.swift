import Foundation
import Logging
import LumenModel
import Testing

@testable import LumenEngine

/// The head must hold what a replay of the log rebuilds, even when concurrent writers disagree.
struct StorageOrderTests {
    @Test func concurrentConflictingWritesKeepTheValueAReplayKeeps() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lumen-order-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let labels = Labels(["__name__": "conflict", "job": "test"])
        let matcher = try LabelMatcher("__name__", .equal, "conflict")

        let storage = try Storage(directory: directory, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<200 {
                group.addTask {
                    // Every writer sends the same 10 timestamps with its own value: only one value per timestamp can win.
                    let samples = (0..<10).map { Sample(timestamp: Int64($0) * 1_000_000_000, value: Double(writer)) }
                    try await storage.append(Batch(series: [TimeSeries(labels: labels, samples: samples)]))
                }
            }
            try await group.waitForAll()
        }
        let served = storage.head.series(.anonymous, matching: [matcher], from: 0, to: .max)
        try storage.close()

        let reopened = try Storage(directory: directory, logger: logger)
        let replayed = reopened.head.series(.anonymous, matching: [matcher], from: 0, to: .max)
        try reopened.close()
        #expect(served.first?.samples.count == 10)
        #expect(replayed == served)
    }
}
