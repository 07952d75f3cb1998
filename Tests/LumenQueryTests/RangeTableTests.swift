import Foundation
import LumenEngine
import LumenModel
import Testing

@testable import LumenQuery

/// A range query computes functions of range selectors for all its steps at once (`RangeTable`); an instant
/// query computes them step by step. Both must give the same answer, bit for bit.
struct RangeTableTests {
    static let second = Timestamp.nanosecondsPerSecond
    static let base: Int64 = 1_700_000_000 * Timestamp.nanosecondsPerSecond

    /// Counters (one resets), gauges, a series that ends in a stale marker; scraped every 15 s with jitter.
    private func head() -> Head {
        var series: [TimeSeries] = []
        for (instance, offset) in [("a", 1_234), ("b", 7_890)] {
            var counter = 0.0
            var counterSamples: [Sample] = []
            var gaugeSamples: [Sample] = []
            for step in 0..<120 {
                let time = Self.base + Int64(step * 15_000 + offset + step % 3) * 1_000_000
                counter = step == 60 && instance == "a" ? 3 : counter + Double(step % 7 + 1)
                counterSamples.append(Sample(timestamp: time, value: counter))
                gaugeSamples.append(Sample(timestamp: time, value: sin(Double(step) / 9) * 100 + Double(step % 5)))
            }
            if instance == "b" {
                counterSamples.removeLast(30)
                let end = counterSamples.last!.timestamp + 15 * Self.second
                counterSamples.append(Sample(timestamp: end, value: Double(bitPattern: Sample.staleMarkerBits)))
            }
            series.append(TimeSeries(labels: Labels(["__name__": "requests_total", "instance": instance]), samples: counterSamples))
            series.append(TimeSeries(labels: Labels(["__name__": "temperature", "instance": instance]), samples: gaugeSamples))
        }
        let head = Head()
        head.append(Batch(series: series))
        return head
    }

    @Test(arguments: [
        "rate(requests_total[5m])", "increase(requests_total[1m])", "irate(requests_total[2m])",
        "resets(requests_total[10m])", "delta(temperature[3m])", "idelta(temperature[1m])",
        "deriv(temperature[5m])", "predict_linear(temperature[5m], 60)", "changes(temperature[5m])",
        "avg_over_time(temperature[5m])", "sum_over_time(temperature[2m])", "min_over_time(temperature[5m])",
        "max_over_time(temperature[5m])", "count_over_time(requests_total[5m])", "last_over_time(temperature[1m])",
        "first_over_time(temperature[1m])", "quantile_over_time(0.9, temperature[5m])",
        "stddev_over_time(temperature[5m])", "present_over_time(requests_total[30s])",
        "rate(requests_total[5m] offset 2m)", "rate(requests_total[5m] @ 1700001200)",
        "sum by (instance) (rate(requests_total[5m])) / ignoring(instance) group_left sum(rate(requests_total[5m]))",
    ])
    func aRangeQueryAnswersAsInstantQueriesAtItsSteps(query: String) throws {
        let engine = QueryEngine(store: head())
        let (start, end, step) = (Self.base + 60 * Self.second, Self.base + 1_800 * Self.second, 45 * Self.second)
        guard case .matrix(let range) = try engine.execute(query, tenant: .anonymous, window: QueryWindow(
            start: start, end: end, step: step))
        else { Issue.record("not a matrix"); return }
        var expected: [Labels: [Sample]] = [:]
        for time in stride(from: start, through: end, by: Int(step)) {
            guard case .vector(let samples) = try engine.execute(query, tenant: .anonymous, window: .instant(time))
            else { Issue.record("not a vector"); return }
            for sample in samples { expected[sample.labels, default: []].append(sample.sample) }
        }
        #expect(!range.isEmpty)
        #expect(Dictionary(uniqueKeysWithValues: range.map { ($0.labels, $0.samples) }) == expected)
    }

    @Test func seriesThatCollideOnceTheirNameIsDroppedFailAsInstantQueriesDo() throws {
        let engine = QueryEngine(store: head())
        let query = #"rate({__name__=~"requests_total|temperature", instance="a"}[5m])"#
        let window = QueryWindow(start: Self.base + 60 * Self.second, end: Self.base + 600 * Self.second, step: 60 * Self.second)
        let error = try #require(throws: QueryError.self) { _ = try engine.execute(query, tenant: .anonymous, window: window) }
        #expect("\(error)".contains("same labelset"))
    }
}
