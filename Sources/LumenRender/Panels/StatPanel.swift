/// One number per series — the series reduced (last value by default) — in the threshold's colour, with a
/// sparkline of the range below it (points placed by time). Several series share the width side by side.
struct StatPanel {
    let series: [ChartSeries]
    let options: PanelOptions
    /// The range the sparkline spans, nanoseconds since the epoch.
    let start: Int64
    let end: Int64

    static let minimumCellWidth = 12

    func render(width: Int, height: Int, style: ANSIStyle) -> [String] {
        guard !series.isEmpty else { return ["no data"] }
        let across = max(1, min(series.count, width / Self.minimumCellWidth))
        let cellWidth = width / across
        let shown = Array(series.prefix(across))
        let cells = shown.map {
            cell(
                $0, width: cellWidth - (across > 1 ? 1 : 0), height: height, named: series.count > 1,
                style: style)
        }
        let rows = cells.map(\.count).max() ?? 0
        return (0..<rows).map { row in
            cells.map { VisibleText.fit(row < $0.count ? $0[row] : "", to: cellWidth) }.joined()
        }.map(TextCell.trimTrailing)
    }

    private func cell(_ one: ChartSeries, width: Int, height: Int, named: Bool, style: ANSIStyle) -> [String] {
        let value = (options.reduce ?? .last).apply(one)
        let color = options.color(for: value)
        let code = [ANSIStyle.bold, color?.sgr].compactMap { $0 }.joined(separator: ";")
        var lines: [String] = []
        if named { lines.append(Self.centred(TextCell.truncate(one.name, to: width), width: width)) }
        lines.append(style.apply(code, Self.centred(TextCell.truncate(options.format(value), to: width), width: width)))
        let sparkRows = max(0, height - lines.count)
        if sparkRows > 0 {
            let spark = Sparkline.render(one.points, start: start, end: end, width: width)
            lines.append(color.map { style.apply($0.sgr, spark) } ?? spark)
        }
        return lines
    }

    static func centred(_ text: String, width: Int) -> String {
        String(repeating: " ", count: max(0, (width - text.count) / 2)) + text
    }
}
