/// Callers → callees as a tree rooted at the services nobody calls (with their own totals): each edge with its
/// rate, error ratio (coloured by the thresholds, red from 5 % when none are given) and p95 latency.
///
/// A service called from several callers appears under each; a call back into a service already on the
/// path is shown once, marked `↺`, and not followed. Rows that do not fit the height end in `+N more`; a narrow
/// panel drops its numbers from the right (p95 first) before it cuts the names.
struct ServiceGraphPanel {
    let graph: ServiceGraph
    let options: PanelOptions

    static let defaultThresholds = [Threshold(nil, .green), Threshold(0.01, .yellow), Threshold(0.05, .red)]

    func render(width: Int, height: Int, style: ANSIStyle) -> [String] {
        guard !graph.edges.isEmpty || !graph.services.isEmpty else { return ["no calls between services"] }
        let callees = Set(graph.edges.map(\.callee))
        let byCaller = Dictionary(grouping: graph.edges, by: \.caller)
        let ownStats = Dictionary(
            graph.services.map { ($0.service, Stats(rate: $0.rate, errorRatio: $0.errorRatio, p95: $0.p95)) },
            uniquingKeysWith: { first, _ in first })
        var rows: [(tree: String, stats: Stats?)] = []
        var shown = Set<String>()
        func visit(_ service: String, prefix: String, path: Set<String>) {
            let edges = (byCaller[service] ?? []).sorted { $0.callee < $1.callee }
            for (index, edge) in edges.enumerated() {
                let last = index == edges.count - 1
                let cycle = path.contains(edge.callee)
                shown.insert(edge.callee)
                rows.append(
                    (
                        prefix + (last ? "└─▶ " : "├─▶ ") + edge.callee + (cycle ? " ↺" : ""),
                        Stats(rate: edge.rate, errorRatio: edge.errorRatio, p95: edge.p95)
                    ))
                if !cycle {
                    visit(edge.callee, prefix: prefix + (last ? "    " : "│   "), path: path.union([edge.callee]))
                }
            }
        }
        // Roots are the services nobody calls; then any caller still unseen (a cycle nobody enters) roots its own
        // tree, so that every call is drawn.
        let callers = Set(graph.edges.map(\.caller)).sorted()
        let uncalled = Set(callers + graph.services.map(\.service)).subtracting(callees).sorted()
        for root in uncalled + callers where !shown.contains(root) {
            shown.insert(root)
            rows.append((root, ownStats[root]))
            visit(root, prefix: "", path: [root])
        }
        let thresholds = options.thresholds ?? Self.defaultThresholds
        let titles = ["rate", "errors", "p95"]
        let cells = rows.map { row in
            row.stats.map {
                [
                    ValueUnit.reqps.format($0.rate), ValueUnit.ratio.format($0.errorRatio, decimals: 1),
                    ValueUnit.seconds.format($0.p95),
                ]
            } ?? ["", "", ""]
        }
        let natural = titles.indices.map { column in
            cells.map { $0[column].count }.max().map { max($0, titles[column].count) } ?? 0
        }
        // The numbers give way from the right (p95 first) before the tree is cut below its minimum.
        var widths = natural
        while !widths.isEmpty, Self.minimumTreeWidth + widths.reduce(0, { $0 + $1 + 2 }) > width {
            widths.removeLast()
        }
        let numbers = widths.reduce(0) { $0 + $1 + 2 }
        let treeWidth = max(
            Self.minimumTreeWidth, min(rows.map(\.tree.count).max() ?? Self.minimumTreeWidth, width - numbers))
        func line(_ tree: String, _ values: [String], errorColor: ChartColor?) -> String {
            var text = TextCell.fit(tree, to: treeWidth)
            for (column, value) in values.prefix(widths.count).enumerated() {
                let cell = "  " + TextCell.fit(value, to: widths[column], alignment: .right)
                text += column == 1 ? errorColor.map { style.apply($0.sgr, cell) } ?? cell : cell
            }
            return TextCell.trimTrailing(text)
        }
        // The header names the numbers; it costs a line only when at least two rows (or all) fit below it.
        let header = !widths.isEmpty && height - 1 >= min(rows.count, 2)
        var lines = header ? [style.apply(ANSIStyle.dim, line("", titles, errorColor: nil))] : []
        let overflow = Overflow(Array(zip(rows, cells)), lines: height - lines.count)
        for (row, values) in overflow.shown {
            let color = row.stats.flatMap { thresholds.color(for: $0.errorRatio) }
            lines.append(line(row.tree, values, errorColor: color))
        }
        if let note = overflow.note() { lines.append(style.apply(ANSIStyle.dim, note)) }
        return lines
    }

    static let minimumTreeWidth = 8

    /// What a row shows: an edge's calls, or a root service's own.
    struct Stats {
        var rate: Double
        var errorRatio: Double
        var p95: Double
    }
}
