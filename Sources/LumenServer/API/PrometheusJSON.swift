import Hummingbird
import LumenModel
import LumenQuery

/// Prometheus' response envelope: `{"status":"success","data":…,"warnings":[…]}` (warnings only when there are
/// some) or `{"status":"error","errorType":…,"error":…}`.
///
/// Written by hand rather than through `JSONEncoder`: a range query over a few hundred series answers with
/// hundreds of thousands of points, and the encoder's intermediate tree cost more than evaluating them.
struct PrometheusEnvelope {
    var status: String
    var data: PrometheusJSON?
    var errorType: String?
    var error: String?
    var warnings: [String] = []

    init(status: String, data: PrometheusJSON, warnings: [String] = []) {
        self.status = status
        self.data = data
        self.warnings = warnings
    }

    init(errorType: String, error: String) {
        status = "error"
        self.errorType = errorType
        self.error = error
    }

    func response(status code: HTTPResponse.Status = .ok) -> Response {
        var writer = JSONWriter()
        writer.raw("{\"status\":")
        writer.string(status)
        if let data {
            writer.raw(",\"data\":")
            data.write(into: &writer)
        }
        if !warnings.isEmpty {
            writer.raw(",\"warnings\":")
            writer.array(warnings) { writer, text in writer.string(text) }
        }
        if let errorType {
            writer.raw(",\"errorType\":")
            writer.string(errorType)
        }
        if let error {
            writer.raw(",\"error\":")
            writer.string(error)
        }
        writer.byte("}")
        return Response(
            status: code, headers: [.contentType: "application/json"],
            body: writer.body)
    }
}

/// The `data` member, shaped as Prometheus shapes each answer.
enum PrometheusJSON: Sendable {
    case vector([InstantSample])
    case matrix([TimeSeries])
    /// `resultType: scalar`, `result: [<time>, "<value>"]`.
    case scalar(Sample)
    /// `resultType: string`, `result: [<time>, "<text>"]`.
    case string(String, at: Int64)
    case strings([String])
    case labelSets([Labels])
    /// `[{"seriesLabels": {…}, "exemplars": [{"labels": {…}, "value": "<value>", "timestamp": <seconds>}]}]`.
    case exemplars([TimeSeries])
    /// A JSON string: `format_query`'s answer.
    case text(String)
    /// `{"<metric>": [{"type": …, "help": …, "unit": …}, …]}`, in the order given.
    case metadata([(metric: String, descriptions: [MetricMetadata])])
    /// `{"<key>": <value>, …}` in the order given: the status endpoints' answers.
    case object([(String, Field)])

    /// A value of `object`.
    enum Field {
        case string(String)
        case integer(Int64)
        case bool(Bool)
    }

    func write(into writer: inout JSONWriter) {
        switch self {
        case .text(let text):
            writer.string(text)
        case .metadata(let families):
            writer.object(families.map { ($0.metric, $0.descriptions) }) { writer, descriptions in
                writer.array(descriptions) { writer, description in
                    writer.object([
                        ("type", .string(description.type.rawValue)), ("help", .string(description.help)),
                        ("unit", .string(description.unit)),
                    ])
                }
            }
        case .object(let fields):
            writer.object(fields)
        case .strings(let strings):
            writer.array(strings) { writer, text in writer.string(text) }
        case .labelSets(let sets):
            writer.array(sets) { writer, labels in writer.metric(labels) }
        case .exemplars(let found):
            writer.array(found) { writer, series in
                writer.raw("{\"seriesLabels\":")
                writer.metric(series.labels)
                writer.raw(",\"exemplars\":")
                writer.array(series.exemplars) { writer, exemplar in
                    writer.raw("{\"labels\":")
                    writer.metric(exemplar.labels)
                    writer.raw(",\"value\":")
                    writer.number(exemplar.value)
                    writer.raw(",\"timestamp\":")
                    writer.seconds(exemplar.timestamp)
                    writer.byte("}")
                }
                writer.byte("}")
            }
        case .scalar(let sample):
            writer.raw("{\"resultType\":\"scalar\",\"result\":")
            writer.sample(sample)
            writer.byte("}")
        case .string(let text, let at):
            writer.raw("{\"resultType\":\"string\",\"result\":[")
            writer.seconds(at)
            writer.byte(",")
            writer.string(text)
            writer.raw("]}")
        case .vector(let samples):
            Self.openVector(samples, into: &writer)
            writer.byte("}")
        case .matrix(let matrix):
            Self.openMatrix(matrix, into: &writer)
            writer.byte("}")
        }
    }

    /// `{"resultType":"vector","result":[…]`, the object left open: Loki's answers add `stats` before closing it.
    static func openVector(_ samples: [InstantSample], into writer: inout JSONWriter) {
        writer.raw("{\"resultType\":\"vector\",\"result\":")
        writer.array(samples) { writer, sample in
            writer.raw("{\"metric\":")
            writer.metric(sample.labels)
            writer.raw(",\"value\":")
            writer.sample(sample.sample)
            writer.byte("}")
        }
    }

    /// `{"resultType":"matrix","result":[…]`, the object left open as `openVector` leaves it.
    static func openMatrix(_ matrix: [TimeSeries], into writer: inout JSONWriter) {
        writer.raw("{\"resultType\":\"matrix\",\"result\":")
        writer.array(matrix) { writer, series in
            writer.raw("{\"metric\":")
            writer.metric(series.labels)
            writer.raw(",\"values\":")
            writer.array(series.samples) { writer, sample in writer.sample(sample) }
            writer.byte("}")
        }
    }
}

extension JSONWriter {
    /// `{"<key>": <value>, …}` in the order given, each value written by `value`.
    mutating func object<Value>(_ members: [(String, Value)], _ value: (inout JSONWriter, Value) -> Void) {
        byte("{")
        for (index, (key, member)) in members.enumerated() {
            if index > 0 { byte(",") }
            string(key)
            byte(":")
            value(&self, member)
        }
        byte("}")
    }

    /// `{"<key>": "text" | 12 | true, …}`.
    mutating func object(_ fields: [(String, PrometheusJSON.Field)]) {
        object(fields) { writer, field in
            switch field {
            case .string(let text): writer.string(text)
            case .integer(let number): writer.integer(number)
            case .bool(let flag): writer.raw(flag ? "true" : "false")
            }
        }
    }

    /// Labels as an object, `{"__name__":"up","job":"a"}`.
    mutating func metric(_ labels: Labels) {
        byte("{")
        for (index, label) in labels.enumerated() {
            if index > 0 { byte(",") }
            string(label.name)
            byte(":")
            string(label.value)
        }
        byte("}")
    }

    /// `[<unix seconds>, "<value>"]`.
    mutating func sample(_ sample: Sample) {
        byte("[")
        seconds(sample.timestamp)
        byte(",")
        number(sample.value)
        byte("]")
    }

    /// A value as Prometheus writes it, in quotes: `"1.5"`, `"NaN"`.
    mutating func number(_ value: Double) {
        byte("\"")
        plain(PrometheusNumber.format(value))
        byte("\"")
    }

    /// Nanoseconds as Prometheus' float seconds: `1700000000`, `1700000000.5`.
    mutating func seconds(_ nanoseconds: Int64) {
        if nanoseconds % 1_000_000_000 == 0 {
            integer(nanoseconds / 1_000_000_000)
        } else {
            plain(String(TimeParameter.seconds(nanoseconds)))
        }
    }
}
