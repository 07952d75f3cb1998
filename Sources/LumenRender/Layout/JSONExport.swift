import Foundation
import LumenModel

/// A dashboard's data as JSON, for programs: the title, the range (nanoseconds) and each panel's title, type
/// and data. Numbers that JSON cannot hold (NaN, ±Inf) are written as text, as Prometheus writes them.
struct JSONExport {
    let view: DashboardView

    struct Document: Encodable {
        var title: String
        var start: Int64
        var end: Int64
        var panels: [PanelDocument]
    }

    struct PanelDocument: Encodable {
        var title: String
        var type: String
        var data: PanelData
    }

    func render() -> String {
        let document = Document(
            title: view.title, start: view.start, end: view.end,
            panels: view.items.map {
                PanelDocument(title: $0.title, type: $0.panel.type.rawValue, data: $0.data)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
        guard let data = try? encoder.encode(document) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension PanelData: Encodable {
    private enum Keys: String, CodingKey { case kind, series, table, logs, spans, serviceGraph, alerts, error }

    /// A span as the JSON export lists it: enough to redraw the waterfall.
    private struct SpanRow: Encodable {
        var traceId, spanId: String
        var parentSpanId: String?
        var service, name, status: String
        var start, end: Int64

        init(_ span: Span) {
            traceId = span.traceID.hex
            spanId = span.spanID.hex
            parentSpanId = span.parentSpanID?.hex
            service = span.serviceName
            name = span.name
            status = span.status.code.name
            start = span.startTime
            end = span.endTime
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        switch self {
        case .series(let series):
            try container.encode("series", forKey: .kind)
            try container.encode(series, forKey: .series)
        case .table(let table):
            try container.encode("table", forKey: .kind)
            try container.encode(table, forKey: .table)
        case .logs(let logs):
            try container.encode("logs", forKey: .kind)
            try container.encode(logs, forKey: .logs)
        case .trace(let spans, let logs):
            try container.encode("trace", forKey: .kind)
            try container.encode(spans.map(SpanRow.init), forKey: .spans)
            try container.encode(
                logs.map { LogLine(time: $0.time, service: $0.serviceName, level: $0.severity.level, body: $0.line) },
                forKey: .logs)
        case .serviceGraph(let graph):
            try container.encode("serviceGraph", forKey: .kind)
            try container.encode(graph, forKey: .serviceGraph)
        case .alerts(let alerts):
            try container.encode("alerts", forKey: .kind)
            try container.encode(alerts.sorted(by: ActiveAlert.byImportance), forKey: .alerts)
        case .error(let message):
            try container.encode("error", forKey: .kind)
            try container.encode(message, forKey: .error)
        }
    }
}
