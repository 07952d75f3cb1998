import Foundation
import LumenModel
import LumenQuery
import Testing

@testable import LumenServer

/// The metric answers `NativeQueryJSON` writes itself read back exactly as `QueryResponse` encodes them: what the
/// CLI, the dashboards and scripts decode.
struct NativeQueryJSONTests {
    static let labels = Labels([Label("__name__", "http_requests_total"), Label("path", "/a \"b\"\n\\c"), Label("zone", "é")])

    static let results: [QueryResult] = [
        .matrix([
            TimeSeries(labels: labels, samples: [
                Sample(timestamp: 1_700_000_000_000_000_000, value: 1.5), Sample(timestamp: -5, value: .nan),
                Sample(timestamp: 1, value: .infinity), Sample(timestamp: 2, value: -.infinity),
                Sample(timestamp: 3, value: 0.1 + 0.2), Sample(timestamp: 4, value: -0.0),
            ]),
            TimeSeries(labels: Labels([]), samples: []),
        ]),
        .vector([InstantSample(labels: labels, sample: Sample(timestamp: 7, value: 42))]),
        .vector([]),
        .scalar(Sample(timestamp: 9, value: 1e300)),
        .matrix([]),
    ]

    @Test(arguments: results)
    func aWrittenMetricAnswerDecodesAsTheEncodedOne(result: QueryResult) throws {
        let exemplars = [
            TimeSeries(labels: Self.labels, samples: [], exemplars: [
                Exemplar(labels: Labels([Label("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736")]), timestamp: 8, value: 0.25),
            ]),
        ]
        for (exemplars, warnings) in [([], []), (exemplars, ["no metric \"x\": did you mean \"y\"?"])] {
            let written = Data(try #require(
                NativeQueryJSON.metricJSON(result, exemplars: exemplars, warnings: warnings)).buffer.readableBytesView)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]  // as `Response.json`
            let encoded = try encoder.encode(QueryResponse(result, exemplars: exemplars, warnings: warnings))
            let decoded = try JSONDecoder().decode(QueryResponse.self, from: written)
            #expect(decoded == (try JSONDecoder().decode(QueryResponse.self, from: encoded)))
            // The same text, not only the same values: keys, order and numbers as the encoder writes them.
            #expect(String(decoding: written, as: UTF8.self) == String(decoding: encoded, as: UTF8.self))
        }
    }

    @Test func logsTracesAndStringsAreLeftToTheEncoder() {
        #expect(NativeQueryJSON.metricJSON(.logs([]), exemplars: [], warnings: []) == nil)
        #expect(NativeQueryJSON.metricJSON(.traces([]), exemplars: [], warnings: []) == nil)
        #expect(NativeQueryJSON.metricJSON(.string("a", at: 1), exemplars: [], warnings: []) == nil)
    }
}
