import Foundation
import LumenModel
import LumenQuery
import LumenRender

/// Query results as tables for people.
enum QueryTable {
    static func render(_ response: QueryResponse, width: Int) -> String {
        switch response.kind {
        case .vector, .scalar: vector(response.series ?? [], width: width)
        case .string: response.string ?? ""
        case .matrix: matrix(response.series ?? [], width: width)
        case .logs: logs(response.logs ?? [], width: width)
        case .spans: spans(response.spans ?? [], width: width)
        }
    }

    private static func vector(_ series: [QueryResponse.Series], width: Int) -> String {
        guard !series.isEmpty else { return "" }
        var table = TextTable(columns: [.init("SERIES"), .init("VALUE", alignment: .right), .init("AT")])
        for entry in sorted(series) {
            let point = entry.points.last
            table.append([seriesName(entry.labels), point?.v ?? "", point.map { clock($0.t) } ?? ""])
        }
        return table.render(maxWidth: width)
    }

    private static func matrix(_ series: [QueryResponse.Series], width: Int) -> String {
        guard !series.isEmpty else { return "" }
        var table = TextTable(columns: [
            .init("SERIES"), .init("POINTS", alignment: .right), .init("MIN", alignment: .right),
            .init("MAX", alignment: .right), .init("LAST", alignment: .right), .init("TREND"),
        ])
        for entry in sorted(series) {
            let values = entry.points.compactMap { Double($0.v) }
            table.append([
                seriesName(entry.labels), String(entry.points.count),
                values.min().map(PrometheusNumber.format) ?? "", values.max().map(PrometheusNumber.format) ?? "",
                entry.points.last?.v ?? "", Sparkline.render(values, width: 24),
            ])
        }
        return table.render(maxWidth: width)
    }

    private static func logs(_ records: [LogJSON], width: Int) -> String {
        guard !records.isEmpty else { return "" }
        var table = TextTable(columns: [
            .init("TIME"), .init("SERVICE"), .init("LEVEL"), .init("TRACE"), .init("LINE"),
        ])
        for record in records {
            table.append([
                clock(record.timeUnixNano), record.service, record.level, record.traceId ?? "",
                record.record.line.replacingOccurrences(of: "\n", with: " "),
            ])
        }
        return table.render(maxWidth: width)
    }

    private static func spans(_ spans: [SpanJSON], width: Int) -> String {
        guard !spans.isEmpty else { return "" }
        var table = TextTable(columns: [
            .init("START"), .init("SERVICE"), .init("NAME"), .init("DURATION", alignment: .right),
            .init("STATUS"), .init("TRACE"),
        ])
        for span in spans {
            table.append([
                clock(span.startTimeUnixNano), span.service, span.name, DurationText.format(span.durationNanos),
                span.status.code == "unset" ? "" : span.status.code, span.traceId,
            ])
        }
        return table.render(maxWidth: width)
    }

    private static func sorted(_ series: [QueryResponse.Series]) -> [QueryResponse.Series] {
        series.sorted { seriesName($0.labels) < seriesName($1.labels) }
    }

    private static func seriesName(_ labels: [String: String]) -> String {
        Labels(labels.map { Label($0.key, $0.value) }).description
    }

    /// `2026-11-21 10:04:05.123` in UTC: log and span times to the millisecond.
    static func clock(_ nanoseconds: Int64) -> String {
        var seconds = time_t(nanoseconds / 1_000_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let millis = Int((nanoseconds % 1_000_000_000) / 1_000_000)
        func pad(_ value: Int32, _ width: Int = 2) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday)) "
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec)).\(pad(Int32(millis), 3))"
    }
}

/// A one-line chart of values from ▁ to █.
enum Sparkline {
    private static let levels = Array("▁▂▃▄▅▆▇█")

    static func render(_ values: [Double], width: Int) -> String {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max(), width > 0 else { return "" }
        let step = max(1, (values.count + width - 1) / width)
        var text = ""
        for start in stride(from: 0, to: values.count, by: step) {
            let bucket = values[start..<min(start + step, values.count)].filter(\.isFinite)
            guard let value = bucket.last else {
                text.append(" ")
                continue
            }
            let level = high == low ? 3 : Int(((value - low) / (high - low) * 7).rounded())
            text.append(levels[level])
        }
        return text
    }
}
