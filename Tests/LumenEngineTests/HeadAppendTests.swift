import LumenModel
import Testing

@testable import LumenEngine

/// The head appends a batch's series with their newest stored times read ahead; a series that comes twice in
/// one batch must still end up with every sample in time order.
struct HeadAppendTests {
    static func samples(_ seconds: [Int64]) -> [Sample] {
        seconds.map { Sample(timestamp: $0 * 1_000_000_000, value: Double($0)) }
    }

    @Test func aSeriesTwiceInOneBatchKeepsItsSamplesInOrder() throws {
        let head = Head()
        let a = Labels(["__name__": "up", "job": "a"])
        head.append(Batch(series: [TimeSeries(labels: a, samples: Self.samples([10, 20]))]))

        // After its first run (30, 40), `a` comes back with 35: older than what it then holds, though newer than
        // what it held when the batch began. Then 15, and 40 again (a retry).
        let report = head.append(Batch(series: [
            TimeSeries(labels: a, samples: Self.samples([30, 40])),
            TimeSeries(labels: Labels(["__name__": "up", "job": "b"]), samples: Self.samples([5])),
            TimeSeries(labels: a, samples: Self.samples([35])),
            TimeSeries(labels: a, samples: Self.samples([15, 40])),
        ]))

        #expect(report.samples == 5)
        #expect(report.duplicateSamples == 1)
        let stored = head.series(.anonymous, matching: [try LabelMatcher("job", .equal, "a")], from: .min, to: .max)
        #expect(stored.map(\.samples) == [Self.samples([10, 15, 20, 30, 35, 40])])
    }
}
