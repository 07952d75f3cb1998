import LumenModel

/// One whole trace as an indented tree with a timeline: the output of `lumen trace <id>`.
///
/// A header line summarises the trace (ID, spans, services, total duration, errors); then one row per span —
/// service, name indented by depth, offset from the trace's start, duration, status and a bar scaled to the
/// whole trace — each followed by the log records logged inside it. Records whose span is unknown close the
/// output under "trace logs". Every line fits `width` characters — unless `cutsText` is false (output to a pipe
/// or a file), when the header and log lines are whole and only the span rows keep the width; escape sequences
/// are added only when
/// `color` is true and never count towards a column's width. With `criticalPath`, bars of spans off the
/// critical path are shaded (`▒`) so that the chain that decided the trace's duration stands out in plain text.
public struct TraceWaterfall: Sendable {
    public var spans: [Span]
    public var logs: [LogRecord]
    public var width: Int
    public var color: Bool
    public var criticalPath: Bool
    /// Whether the header and log lines are cut to `width`: on a terminal; into a pipe or a file, nothing that
    /// can be copied (a service list, a log line) is cut.
    public var cutsText: Bool

    public init(
        spans: [Span], logs: [LogRecord], width: Int = 120, color: Bool = false, criticalPath: Bool = false,
        cutsText: Bool = true
    ) {
        self.spans = spans
        self.logs = logs
        self.width = max(40, width)
        self.color = color
        self.criticalPath = criticalPath
        self.cutsText = cutsText
    }

    static let separator = "  "
    static let minimumTimelineWidth = 10

    public func render() -> String {
        let tree = TraceTree(spans: spans, logs: logs)
        let style = ANSIStyle(enabled: color)
        let traceStart = spans.map(\.startTime).min() ?? logs.map(\.time).min() ?? 0
        let traceEnd = spans.map(\.endTime).max() ?? traceStart
        let services = serviceOrder(tree)
        let layout = Layout(tree: tree, traceStart: traceStart, width: width)

        var lines = [header(services: services, duration: traceEnd - traceStart, style: style)]
        if !tree.rows.isEmpty {
            lines.append(style.apply(ANSIStyle.dim, layout.columnHeader()))
        }
        let bar = TimelineBar(traceStart: traceStart, traceDuration: traceEnd - traceStart, width: layout.timeline)
        let critical = criticalPath ? CriticalPath.spanIDs(spans) : nil
        for row in tree.rows {
            let shaded = critical.map { !$0.contains(row.span.spanID) } ?? false
            lines.append(spanLine(row, layout: layout, bar: bar, shaded: shaded, services: services, style: style))
            for log in row.logs {
                let lead = String(repeating: " ", count: layout.service) + Self.separator + row.logPrefix
                lines.append(logLine(log, lead: lead, traceStart: traceStart, style: style))
            }
        }
        if !tree.unplacedLogs.isEmpty {
            lines.append(style.apply(ANSIStyle.bold, "trace logs"))
            for log in tree.unplacedLogs {
                let lead = TextCell.fit(log.serviceName, to: layout.service) + Self.separator
                lines.append(logLine(log, lead: lead, traceStart: traceStart, style: style))
            }
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - Lines

    private func header(services: [String], duration: Int64, style: ANSIStyle) -> String {
        let traceID = spans.first?.traceID ?? logs.first?.traceID
        let errors = spans.count { $0.status.code == .error }
        // The service list goes last: it is what a narrow terminal can best afford to lose.
        var parts = [
            "trace \(traceID?.hex ?? "(no trace ID)")", Self.plural(spans.count, "span"), DurationText.format(duration),
            Self.plural(errors, "error"),
        ]
        if !services.isEmpty {
            parts.append(Self.plural(services.count, "service") + ": " + services.joined(separator: ", "))
        }
        let text = TextCell.truncate(parts.joined(separator: " · "), to: cutsText ? width : .max)
        return style.apply(errors > 0 ? "\(ANSIStyle.bold);\(ANSIStyle.red)" : ANSIStyle.bold, text)
    }

    private func spanLine(
        _ row: TraceTree.Row, layout: Layout, bar: TimelineBar, shaded: Bool, services: [String], style: ANSIStyle
    ) -> String {
        let span = row.span
        let isError = span.status.code == .error
        let serviceColor = ANSIStyle.servicePalette[
            (services.firstIndex(of: span.serviceName) ?? 0) % ANSIStyle.servicePalette.count]
        let name = TextCell.fit(Self.nameText(row), to: layout.name)
        let status: String
        switch span.status.code {
        case .unset: status = ""
        case .ok: status = "ok"
        case .error: status = "✗ error"
        }
        let cells = [
            style.apply(serviceColor, TextCell.fit(span.serviceName, to: layout.service)),
            isError ? style.apply(ANSIStyle.red, name) : name,
            TextCell.fit("+" + DurationText.format(span.startTime - layout.traceStart), to: layout.offset,
                         alignment: .right),
            TextCell.fit(DurationText.format(span.duration), to: layout.duration, alignment: .right),
            isError ? style.apply(ANSIStyle.red, TextCell.fit(status, to: layout.status))
                : TextCell.fit(status, to: layout.status),
            style.apply(
                isError ? ANSIStyle.red : serviceColor,
                bar.render(start: span.startTime, end: span.endTime, shaded: shaded)),
        ]
        return TextCell.trimTrailing(cells.joined(separator: Self.separator))
    }

    private func logLine(_ log: LogRecord, lead: String, traceStart: Int64, style: ANSIStyle) -> String {
        let offset = log.time - traceStart
        let level = log.severity.level == .unspecified && !log.severity.text.isEmpty
            ? log.severity.text.lowercased() : log.severity.level.name
        let levelCell = TextCell.fit(level, to: 5)
        let levelColor: String
        switch log.severity.level {
        case .warn: levelColor = ANSIStyle.yellow
        case .error, .fatal: levelColor = ANSIStyle.red
        default: levelColor = ANSIStyle.dim
        }
        let start = (offset >= 0 ? "+" : "") + DurationText.format(offset) + " "
        let used = lead.count + start.count + levelCell.count + 1
        let body = TextCell.truncate(TextCell.singleLine(log.line), to: cutsText ? max(1, width - used) : .max)
        return TextCell.trimTrailing(lead + start + style.apply(levelColor, levelCell) + " " + body)
    }

    // MARK: - Helpers

    static func nameText(_ row: TraceTree.Row) -> String {
        var text = row.prefix + row.span.name
        if let missing = row.missingParent {
            text += " (parent \(missing.hex.prefix(8))… missing)"
        } else if row.inCycle {
            text += " (parent cycle)"
        }
        return text
    }

    private func serviceOrder(_ tree: TraceTree) -> [String] {
        var seen = Set<String>()
        return tree.rows.map(\.span.serviceName).filter { seen.insert($0).inserted }
    }

    static func plural(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}
