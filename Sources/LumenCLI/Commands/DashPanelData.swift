import LumenModel
import LumenQuery
import LumenRender

/// The query API's native answers turned into what panels draw.
enum DashPanelData {
    /// Series named by the query's legend template (or their labels); values parsed from Prometheus' text.
    static func series(_ answer: DashNativeAnswer, query: PanelQuery, templater: Templater) -> [ChartSeries] {
        (answer.series ?? []).map { one in
            ChartSeries(
                name: templater.legend(query.legend, labels: one.labels, query: query.expr), labels: one.labels,
                points: one.points.map { ChartSeries.Point(t: $0.t, v: Double($0.v) ?? .nan) })
        }
    }

    static func logLine(_ log: LogJSON) -> LogLine {
        let record = log.record
        return LogLine(time: record.time, service: record.serviceName, level: record.severity.level, body: record.line)
    }

    /// Spans as rows: trace, service, span name, duration (its value in seconds, for sorting and thresholds),
    /// status.
    static func spanTable(_ spans: [SpanJSON]) -> TableData {
        TableData(
            columns: ["trace", "service", "span", "duration", "status"],
            rows: spans.map { span in
                [
                    .init(span.traceId), .init(span.service), .init(span.name),
                    .init(DurationText.format(span.durationNanos), value: Double(span.durationNanos) / 1e9),
                    .init(span.status.code == "unset" ? "" : span.status.code),
                ]
            })
    }

    static func logTable(_ logs: [LogJSON]) -> TableData {
        TableData(
            columns: ["time", "service", "level", "line"],
            rows: logs.map { log in
                let record = log.record
                return [
                    .init(String(record.time)), .init(record.serviceName), .init(record.severity.level.name),
                    .init(record.line),
                ]
            })
    }
}
