/// Draws one panel's data as lines of at most `width` cells (escape sequences only when `style` is on),
/// choosing the renderer by the panel's type. A mismatch between type and data, or a fetch error, becomes a
/// message in the panel rather than a failure of the whole dashboard.
enum PanelRenderer {
    static func render(
        _ kind: Panel.Kind, data: PanelData, options: PanelOptions, start: Int64, end: Int64,
        width: Int, height: Int, style: ANSIStyle
    ) -> [String] {
        guard width > 0, height > 0 else { return [] }
        let lines: [String]
        switch (kind, data) {
        case (_, .error(let message)):
            lines = wrap("error: " + message, width: width).map { style.apply(ANSIStyle.red, $0) }
        case (.timeseries, .series(let series)):
            lines = TimeSeriesPanel(series: series, options: options, start: start, end: end)
                .render(width: width, height: height, style: style)
        case (.stat, .series(let series)):
            lines = StatPanel(series: series, options: options, start: start, end: end)
                .render(width: width, height: height, style: style)
        case (.gauge, .series(let series)):
            lines = GaugePanel(series: series, options: options).render(width: width, height: height, style: style)
        case (.bargauge, .series(let series)):
            lines = BarGaugePanel(series: series, options: options).render(width: width, height: height, style: style)
        case (.heatmap, .series(let series)):
            lines = HeatmapPanel(series: series, options: options, start: start, end: end)
                .render(width: width, height: height, style: style)
        case (.table, .series(let series)):
            lines = TablePanel(table: TableData(series: series, options: options), options: options)
                .render(width: width, height: height, style: style)
        case (.table, .table(let table)):
            lines = TablePanel(table: table, options: options).render(width: width, height: height, style: style)
        case (.logs, .logs(let logs)):
            lines = LogsPanel(logs: logs, options: options).render(width: width, height: height, style: style)
        case (.trace, .trace(let spans, let logs)):
            guard !spans.isEmpty else {
                lines = ["no trace found"]
                break
            }
            let waterfall = TraceWaterfall(
                spans: spans, logs: options.traceLogs == true ? logs : [], width: width,
                color: style.enabled, criticalPath: true)
            let all = waterfall.render().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let overflow = Overflow(all, lines: height)
            lines = Array(overflow.shown) + (overflow.note("lines").map { [style.apply(ANSIStyle.dim, $0)] } ?? [])
        case (.servicegraph, .serviceGraph(let graph)):
            lines = ServiceGraphPanel(graph: graph, options: options).render(width: width, height: height, style: style)
        case (.alertlist, .alerts(let alerts)):
            lines = AlertListPanel(alerts: alerts, options: options, now: end)
                .render(width: width, height: height, style: style)
        default:
            lines = [style.apply(ANSIStyle.red, "error: a \(kind.rawValue) panel cannot show \(data.kindName)")]
        }
        return Array(lines.prefix(height)).map { VisibleText.width($0) > width ? VisibleText.fit($0, to: width) : $0 }
    }

    /// Text broken into lines of at most `width` characters, at spaces where possible.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in TextCell.singleLine(text).split(separator: " ") {
            if !current.isEmpty && current.count + 1 + word.count > width {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
            while current.count > width {
                lines.append(String(current.prefix(width)))
                current = String(current.dropFirst(width))
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

extension PanelData {
    /// What the data is, for messages: `series`, `a table`, `logs`…
    var kindName: String {
        switch self {
        case .series: "series"
        case .table: "a table"
        case .logs: "log lines"
        case .trace: "a trace"
        case .serviceGraph: "a service graph"
        case .alerts: "alerts"
        case .error: "an error"
        }
    }
}
