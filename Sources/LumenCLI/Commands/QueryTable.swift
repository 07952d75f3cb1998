import Foundation
import LumenModel
import LumenQuery
import LumenRender

/// Query results as tables for people, and as rows for programs (``records(_:)``).
///
/// Identifiers (trace IDs) are never cut; series names wrap rather than cut, after first dropping the labels
/// every row shares (printed once above the table) when the full names do not fit the width.
enum QueryTable {
    /// Exemplars listed under a metric answer: the newest, so a spike just seen leads to its traces.
    static let shownExemplars = 10

    /// The answer as text at most `width` wide where the columns allow (`.max`: nothing is narrowed). Values in
    /// seconds — a `*_seconds` series, a `histogram_quantile` over `*_seconds_bucket` — read as durations.
    static func render(_ response: QueryResponse, query: String = "", width: Int) -> String {
        if response.kind == .string { return response.string ?? "" }
        guard let text = table(response, query: query, width: width) else { return "" }
        return text + exemplars(response.exemplars ?? [], width: width)
    }

    /// The newest exemplars as a table, with how to open their traces; empty without any.
    private static func exemplars(_ found: [QueryResponse.ExemplarSeries], width: Int) -> String {
        let all = found.flatMap { series in series.exemplars.map { (series: series.labels, exemplar: $0) } }
        guard !all.isEmpty else { return "" }
        let newest = all.sorted { $0.exemplar.t > $1.exemplar.t }.prefix(shownExemplars)
        var table = TextTable(columns: [
            .init("EXEMPLAR AT"), .init("VALUE", alignment: .right), .init("TRACE", overflow: .keep),
            .init("SERIES", overflow: .wrap),
        ])
        // Labels every listed series shares (service, instance …) only make the rows long: show what tells them apart.
        let names = SeriesNames(newest.map(\.series), keepingName: true)
        for ((_, exemplar), name) in zip(newest, names.distinct) {
            let trace = exemplar.traceId ?? seriesName(exemplar.labels)
            table.append([clock(exemplar.t), ValueText.format(exemplar.v), trace, name])
        }
        var text = "\n\n" + table.render(maxWidth: width)
        if !text.hasSuffix("\n") { text += "\n" }
        if all.count > newest.count { text += "(\(all.count - newest.count) older exemplars; --output json lists all)\n" }
        if let trace = newest.lazy.compactMap(\.exemplar.traceId).first { text += "open one with: lumen trace \(trace)\n" }
        return text
    }

    /// The answer as rows for `--output csv` and `jsonl`, never rounded: a metric answer (instant, range, scalar
    /// or string) is one row per point under the same `series,time_unix_nano,value`; logs and traces one row each.
    static func records(_ response: QueryResponse) -> Records {
        switch response.kind {
        case .string:
            return Records(
                header: metricHeader, rows: [["", response.time.map(String.init) ?? "", response.string ?? ""]],
                numeric: ["time_unix_nano"])
        case .vector, .scalar, .matrix:
            let rows = sorted(response.series ?? []).flatMap { entry in
                entry.points.map { [seriesName(entry.labels), String($0.t), $0.v] }
            }
            return Records(header: metricHeader, rows: rows, numeric: ["time_unix_nano", "value"])
        case .logs:
            return records(response.logs ?? [])
        case .traces:
            return Records(
                header: ["trace_id", "start_unix_nano", "root_service", "root_name", "duration_nanos", "spans",
                    "errors", "matched_span_ids"],
                rows: (response.traces ?? []).map { trace in
                    [trace.traceId, String(trace.startTimeUnixNano), trace.rootServiceName, trace.rootTraceName,
                        String(trace.durationNanos), String(trace.spanCount), String(trace.errorCount),
                        trace.spans.map(\.spanId).joined(separator: " ")]
                },
                numeric: ["start_unix_nano", "duration_nanos", "spans", "errors"])
        }
    }

    static let metricHeader = ["series", "time_unix_nano", "value"]

    /// Log lines as rows, as `lumen query` and `lumen tail` print them for programs.
    static func records(_ logs: [LogJSON]) -> Records {
        Records(
            header: ["time_unix_nano", "service", "level", "trace_id", "span_id", "line"],
            rows: logs.map { record in
                [String(record.timeUnixNano), record.service, record.level, record.traceId ?? "",
                    record.spanId ?? "", record.record.line]
            },
            numeric: ["time_unix_nano"])
    }

    private static func table(_ response: QueryResponse, query: String, width: Int) -> String? {
        switch response.kind {
        case .vector, .scalar, .matrix:
            let series = sorted(response.series ?? [])
            guard !series.isEmpty else { return nil }
            let seconds = series.map { isSeconds($0.labels, query: query) }
            let build = response.kind == .matrix ? matrix : vector
            let full = build(series, seconds, series.map { seriesName($0.labels) }).render(maxWidth: .max)
            guard full.split(separator: "\n").contains(where: { $0.count > width }) else { return full }
            let names = SeriesNames(series.map(\.labels))
            let heading = names.shared.isEmpty ? "" : "every series: \(seriesName(names.shared))\n"
            return heading + build(series, seconds, names.distinct).render(maxWidth: width)
        case .string: return nil
        case .logs: return nonEmpty(logs(response.logs ?? []))?.render(maxWidth: width)
        case .traces: return nonEmpty(traces(response.traces ?? []))?.render(maxWidth: width)
        }
    }

    private static func nonEmpty(_ table: TextTable) -> TextTable? { table.isEmpty ? nil : table }

    private static func vector(_ series: [QueryResponse.Series], seconds: [Bool], names: [String]) -> TextTable {
        var table = TextTable(columns: [
            .init("SERIES", overflow: .wrap), .init("VALUE", alignment: .right), .init("AT"),
        ])
        for (index, entry) in series.enumerated() {
            let point = entry.points.last
            table.append([
                names[index], point.map { ValueText.format($0.v, seconds: seconds[index]) } ?? "",
                point.map { clock($0.t) } ?? "",
            ])
        }
        return table
    }

    private static func matrix(_ series: [QueryResponse.Series], seconds: [Bool], names: [String]) -> TextTable {
        var table = TextTable(columns: [
            .init("SERIES", overflow: .wrap), .init("POINTS", alignment: .right), .init("MIN", alignment: .right),
            .init("MAX", alignment: .right), .init("LAST", alignment: .right), .init("TREND"),
        ])
        for (index, entry) in series.enumerated() {
            let values = entry.points.compactMap { Double($0.v) }
            func format(_ text: String) -> String { ValueText.format(text, seconds: seconds[index]) }
            table.append([
                names[index], String(entry.points.count),
                values.min().map { format(PrometheusNumber.format($0)) } ?? "",
                values.max().map { format(PrometheusNumber.format($0)) } ?? "",
                entry.points.last.map { format($0.v) } ?? "", Sparkline.render(values, width: 24),
            ])
        }
        return table
    }

    /// Whether a series' values are seconds: its name ends in `_seconds`, or, nameless, it is a quantile of a
    /// `*_seconds_bucket` histogram or an average of `*_seconds_sum` over `*_seconds_count`.
    static func isSeconds(_ labels: [String: String], query: String) -> Bool {
        if let name = labels[Labels.metricName] { return name.hasSuffix("_seconds") }
        return (query.contains("histogram_quantile") && query.contains("_seconds_bucket"))
            || (query.contains("_seconds_sum") && query.contains("_seconds_count") && query.contains("/"))
    }

    private static func logs(_ records: [LogJSON]) -> TextTable {
        var table = TextTable(columns: [
            .init("TIME"), .init("SERVICE"), .init("LEVEL"), .init("TRACE", overflow: .keep), .init("LINE"),
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
            .init("SPANS", alignment: .right), .init("ERRORS", alignment: .right), .init("MATCHED", overflow: .wrap),
            .init("TRACE", overflow: .keep),
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

    static func seriesName(_ labels: [String: String]) -> String {
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
