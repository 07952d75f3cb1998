import Foundation
import LumenModel
import LumenQuery
import LumenRender

/// Query results as tables for people.
enum QueryTable {
    /// Exemplars listed under a metric answer: the newest, so a spike just seen leads to its traces.
    static let shownExemplars = 10

    static func render(_ response: QueryResponse, width: Int) -> String {
        if response.kind == .string { return response.string ?? "" }
        guard let table = table(response), !table.isEmpty else { return "" }
        return table.render(maxWidth: width) + exemplars(response.exemplars ?? [], width: width)
    }

    /// The newest exemplars as a table, with how to open their traces; empty without any.
    private static func exemplars(_ found: [QueryResponse.ExemplarSeries], width: Int) -> String {
        let all = found.flatMap { series in series.exemplars.map { (series: series.labels, exemplar: $0) } }
        guard !all.isEmpty else { return "" }
        let newest = all.sorted { $0.exemplar.t > $1.exemplar.t }.prefix(shownExemplars)
        var table = TextTable(columns: [
            .init("EXEMPLAR AT"), .init("VALUE", alignment: .right), .init("TRACE"), .init("SERIES"),
        ])
        // Labels every listed series shares (service, instance …) only make the rows long: show what tells them apart.
        var shared = newest.first?.series ?? [:]
        for (series, _) in newest { shared = shared.filter { series[$0.key] == $0.value } }
        if Set(newest.map(\.series)).count == 1 { shared = [:] }
        for (series, exemplar) in newest {
            let trace = exemplar.traceId ?? seriesName(exemplar.labels)
            let distinct = series.filter { $0.key == Labels.metricName || shared[$0.key] == nil }
            table.append([clock(exemplar.t), exemplar.v, trace, seriesName(distinct)])
        }
        var text = "\n\n" + table.render(maxWidth: width)
        if !text.hasSuffix("\n") { text += "\n" }
        if all.count > newest.count { text += "(\(all.count - newest.count) older exemplars; --output json lists all)\n" }
        if let trace = newest.lazy.compactMap(\.exemplar.traceId).first { text += "open one with: lumen trace \(trace)\n" }
        return text
    }

    /// The same rows as comma-separated values with a header, for spreadsheets and scripts; a matrix gives one
    /// row per point rather than a summary per series.
    static func csv(_ response: QueryResponse) -> String {
        if response.kind == .string { return CSV.render(header: ["string", "time"],
            rows: [[response.string ?? "", response.time.map(String.init) ?? ""]]) }
        if response.kind == .matrix {
            let rows = sorted(response.series ?? []).flatMap { entry in
                entry.points.map { [seriesName(entry.labels), String($0.t), $0.v] }
            }
            return CSV.render(header: ["series", "time_unix_nano", "value"], rows: rows)
        }
        guard let table = table(response) else { return "" }
        return CSV.render(header: table.columns.map(\.title), rows: table.rows)
    }

    private static func table(_ response: QueryResponse) -> TextTable? {
        switch response.kind {
        case .vector, .scalar: vector(response.series ?? [])
        case .string: nil
        case .matrix: matrix(response.series ?? [])
        case .logs: logs(response.logs ?? [])
        case .traces: traces(response.traces ?? [])
        }
    }

    private static func vector(_ series: [QueryResponse.Series]) -> TextTable {
        var table = TextTable(columns: [.init("SERIES"), .init("VALUE", alignment: .right), .init("AT")])
        for entry in sorted(series) {
            let point = entry.points.last
            table.append([seriesName(entry.labels), point?.v ?? "", point.map { clock($0.t) } ?? ""])
        }
        return table
    }

    private static func matrix(_ series: [QueryResponse.Series]) -> TextTable {
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
        return table
    }

    private static func logs(_ records: [LogJSON]) -> TextTable {
        var table = TextTable(columns: [
            .init("TIME"), .init("SERVICE"), .init("LEVEL"), .init("TRACE"), .init("LINE"),
        ])
        for record in records {
            table.append([
                clock(record.timeUnixNano), record.service, record.level, record.traceId ?? "",
                record.record.line.replacingOccurrences(of: "\n", with: " "),
            ])
        }
        return table
    }

    private static func traces(_ traces: [TraceSummaryJSON]) -> TextTable {
        var table = TextTable(columns: [
            .init("START"), .init("ROOT SERVICE"), .init("ROOT NAME"), .init("DURATION", alignment: .right),
            .init("SPANS", alignment: .right), .init("ERRORS", alignment: .right), .init("MATCHED"), .init("TRACE"),
        ])
        for trace in traces {
            let matched = trace.spans.prefix(3).map { "\($0.service):\($0.name) \(DurationText.format($0.durationNanos))" }
            table.append([
                clock(trace.startTimeUnixNano), trace.rootServiceName, trace.rootTraceName,
                DurationText.format(trace.durationNanos), String(trace.spanCount), String(trace.errorCount),
                matched.joined(separator: ", ") + (trace.spans.count > 3 ? " +\(trace.spans.count - 3)" : ""),
                trace.traceId,
            ])
        }
        return table
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
