import Foundation
import LumenModel
import Testing

@testable import LumenServer

/// The Prometheus API's answers are written by hand (`JSONWriter`): they must read back as the JSON they mean.
struct PrometheusJSONTests {
    private func decoded(_ data: PrometheusJSON) throws -> [String: Any] {
        var writer = JSONWriter()
        data.write(into: &writer)
        return try #require(JSONSerialization.jsonObject(with: Data(writer.buffer.readableBytesView)) as? [String: Any])
    }

    @Test func labelValuesWithQuotesBackslashesControlCharactersAndUnicodeReadBackUnchanged() throws {
        let value = "say \"hi\"\\ \n\t\r\u{1} – ✓"
        let labels = Labels(["__name__": "up", "note": value])
        let matrix = try decoded(.matrix([TimeSeries(labels: labels, samples: [Sample(timestamp: 0, value: 1)])]))
        let result = try #require(matrix["result"] as? [[String: Any]])
        #expect((result.first?["metric"] as? [String: String])?["note"] == value)
    }

    @Test func pointsAreUnixSecondsAndValuesInPrometheusTextForm() throws {
        let samples = [
            Sample(timestamp: 1_700_000_000_000_000_000, value: 2), Sample(timestamp: 1_700_000_000_500_000_000, value: 0.25),
            Sample(timestamp: -1_000_000_000, value: .nan), Sample(timestamp: 3_000_000, value: -.infinity),
        ]
        let matrix = try decoded(.matrix([TimeSeries(labels: Labels(["__name__": "up"]), samples: samples)]))
        #expect(matrix["resultType"] as? String == "matrix")
        let series = try #require((matrix["result"] as? [[String: Any]])?.first)
        let values = try #require(series["values"] as? [[Any]])
        #expect(values.map { ($0[0] as? NSNumber)?.doubleValue } == [1_700_000_000, 1_700_000_000.5, -1, 0.003])
        #expect(values.map { $0[1] as? String } == ["2", "0.25", "NaN", "-Inf"])
    }
}
