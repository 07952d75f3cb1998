import Foundation
import Hummingbird
import LumenModel
import LumenQuery

/// The answer of `GET /lumen/v1/query` (`QueryResponse`'s JSON, keys in the same sorted order): a metric answer
/// written straight from the result, every other kind through `QueryResponse` and `JSONEncoder`.
///
/// Why: a range query over thousands of series answers millions of points, and `QueryResponse` (a string per
/// point) encoded by `JSONEncoder` (a tree of every value before the text) took gigabytes for each: six 10,800-step
/// `rate()` over 2,000 series at once grew the server to 24 GB and the kernel killed it
/// (`Scripts/bench/query-pressure.py --route native`). Written here, a point costs its text, about 40 bytes. Logs
/// and traces are bounded by the query's `limit`.
enum NativeQueryJSON {
    static func response(_ result: QueryResult, exemplars: [TimeSeries], warnings: [String]) -> Response {
        guard let json = metricJSON(result, exemplars: exemplars, warnings: warnings) else {
            return .json(QueryResponse(result, exemplars: exemplars, warnings: warnings))
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: json.body)
    }

    /// The JSON of a metric answer; nil for any other kind.
    static func metricJSON(_ result: QueryResult, exemplars: [TimeSeries], warnings: [String]) -> JSONWriter? {
        let kind: QueryResponse.Kind
        let series: [(labels: Labels, samples: [Sample])]
        switch result {
        case .vector(let samples):
            kind = .vector
            series = samples.map { ($0.labels, [$0.sample]) }
        case .matrix(let matrix):
            kind = .matrix
            series = matrix.map { ($0.labels, $0.samples) }
        case .scalar(let sample):
            kind = .scalar
            series = [(Labels([]), [sample])]
        case .string, .logs, .traces:
            return nil
        }
        var json = JSONWriter()
        json.byte("{")
        if !exemplars.isEmpty {
            json.raw("\"exemplars\":")
            json.encoded(exemplars.map(QueryResponse.ExemplarSeries.init))
            json.byte(",")
        }
        json.raw("\"kind\":")
        json.string(kind.rawValue)
        json.raw(",\"series\":")
        json.array(series) { json, series in
            json.raw("{\"labels\":")
            json.metric(series.labels)  // sorted by name, as the encoder sorts keys
            json.raw(",\"points\":")
            json.array(series.samples) { json, sample in
                json.raw("{\"t\":")
                json.integer(sample.timestamp)
                json.raw(",\"v\":")
                json.number(sample.value)
                json.byte("}")
            }
            json.byte("}")
        }
        if !warnings.isEmpty {
            json.raw(",\"warnings\":")
            json.array(warnings) { $0.string($1) }
        }
        json.byte("}")
        return json
    }
}
