import Foundation

/// A dashboard as Markdown, for tickets and runbooks: the title, then one section per panel in reading order
/// (top to bottom, left to right). Tables and service graphs become Markdown tables; every other panel is its
/// plain-text rendering in a code block, drawn at the export width and the panel's own height.
struct MarkdownExport {
    let view: DashboardView
    let width: Int

    func render() -> String {
        var out = "# \(view.title)\n"
        if !view.subtitle.isEmpty { out += "\n\(view.subtitle)\n" }
        let plain = ANSIStyle(enabled: false)
        for item in view.items.sorted(by: { ($0.panel.y, $0.panel.x) < ($1.panel.y, $1.panel.x) }) {
            out += "\n## \(item.title)\n\n"
            switch (item.panel.type, item.data) {
            case (.table, .table(let table)):
                out += Self.table(
                    table.columns,
                    TablePanel(table: table, options: item.panel.options).sortedRows()
                        .prefix(item.panel.options.limit ?? Int.max).map { $0.map(\.text) })
            case (.table, .series(let series)):
                let table = TableData(series: series, options: item.panel.options)
                out += Self.table(
                    table.columns,
                    TablePanel(table: table, options: item.panel.options).sortedRows().map { $0.map(\.text) })
            case (.servicegraph, .serviceGraph(let graph)):
                out += Self.table(
                    ["caller", "callee", "rate", "errors", "p95"],
                    graph.edges.map {
                        [
                            $0.caller, $0.callee, ValueUnit.reqps.format($0.rate),
                            ValueUnit.ratio.format($0.errorRatio, decimals: 1),
                            ValueUnit.seconds.format($0.p95),
                        ]
                    })
            case (.alertlist, .alerts(let alerts)):
                out += Self.table(
                    ["state", "alert", "active for", "labels", "summary"],
                    alerts.sorted(by: ActiveAlert.byImportance).prefix(item.panel.options.limit ?? Int.max).map {
                        [$0.state.rawValue, $0.name, $0.activeFor(at: view.end), $0.labelText, $0.summary ?? ""]
                    })
            default:
                let lines = PanelRenderer.render(
                    item.panel.type, data: item.data, options: item.panel.options, start: view.start, end: view.end,
                    width: width, height: max(1, item.panel.height - 2), style: plain)
                out += "```\n" + lines.map(TextCell.trimTrailing).joined(separator: "\n") + "\n```\n"
            }
        }
        return out
    }

    /// A GitHub-flavoured Markdown table; `|` in cells is escaped.
    static func table(_ columns: [String], _ rows: [[String]]) -> String {
        guard !rows.isEmpty else { return "_no data_\n" }
        let escape = { (text: String) in TextCell.singleLine(text).replacingOccurrences(of: "|", with: "\\|") }
        var out = "| " + columns.map(escape).joined(separator: " | ") + " |\n"
        out += "|" + columns.map { _ in " --- |" }.joined() + "\n"
        for row in rows {
            out +=
                "| " + columns.indices.map { $0 < row.count ? escape(row[$0]) : "" }.joined(separator: " | ") + " |\n"
        }
        return out
    }
}
