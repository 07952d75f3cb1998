/// One number per series — the series reduced (last value by default) — in the threshold's colour, with a
/// sparkline of the range below it (points placed by time). Several series share the width side by side, then
/// wrap onto further rows; series that do not fit end in `+N more`.
struct StatPanel {
    let series: [ChartSeries]
    let options: PanelOptions
    /// The range the sparkline spans, nanoseconds since the epoch.
    let start: Int64
    let end: Int64

    static let minimumCellWidth = 12

    func render(width: Int, height: Int, style: ANSIStyle) -> [String] {
        guard !series.isEmpty else { return ["no data"] }
        let named = series.count > 1
        let cellHeight = min(named ? 3 : 2, height)
        let across = max(1, min(series.count, width / Self.minimumCellWidth))
        let cellWidth = width / across
        let capacity = across * max(1, height / cellHeight)
        // The last cell says how many series did not fit; a lone cell says it after the first series' name.
        let shown = capacity == 1 ? Array(series.prefix(1)) : Array(Overflow(series, lines: capacity).shown)
        let hidden = series.count - shown.count
        let more = hidden > 0 ? (capacity == 1 ? " " : "") + "+\(hidden) more" : nil
        let inner = cellWidth - (across > 1 ? 1 : 0)
        var cells = shown.map { one in
            cell(
                one, suffix: capacity == 1 ? more ?? "" : "", width: inner, height: cellHeight, named: named,
                style: style)
        }
        if capacity > 1, let more {
            let note = style.apply(ANSIStyle.dim, Self.centred(TextCell.truncate(more, to: inner), width: inner))
            cells.append(cellHeight > 1 ? ["", note] : [note])
        }
        return stride(from: 0, to: cells.count, by: across).flatMap { first -> [String] in
            let row = cells[first..<min(cells.count, first + across)]
            return (0..<(row.map(\.count).max() ?? 0)).map { line in
                row.map { VisibleText.fit(line < $0.count ? $0[line] : "", to: cellWidth) }.joined()
            }
        }.map(TextCell.trimTrailing)
    }

    /// A series' cell: its name (when several share the panel) over its value over its sparkline, as many of
    /// them as `height` allows; one line holds the name and the value together.
    private func cell(
        _ one: ChartSeries, suffix: String, width: Int, height: Int, named: Bool, style: ANSIStyle
    ) -> [String] {
        let value = (options.reduce ?? .last).apply(one)
        let color = options.color(for: value)
        let code = [ANSIStyle.bold, color?.sgr].compactMap { $0 }.joined(separator: ";")
        let centred = { (text: String) in Self.centred(TextCell.truncate(text, to: width), width: width) }
        guard height > 1 || !named else {
            return [style.apply(code, centred(one.name + suffix + " " + options.format(value)))]
        }
        var lines: [String] = []
        if named { lines.append(centred(one.name + suffix)) }
        lines.append(style.apply(code, centred(options.format(value) + (named ? "" : suffix))))
        if lines.count < height {
            let spark = Sparkline.render(one.points, start: start, end: end, width: width)
            lines.append(color.map { style.apply($0.sgr, spark) } ?? spark)
        }
        return lines
    }

    static func centred(_ text: String, width: Int) -> String {
        String(repeating: " ", count: max(0, (width - text.count) / 2)) + text
    }
}
