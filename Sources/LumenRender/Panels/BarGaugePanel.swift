/// One row per series: its name, a bar scaled between the panel's bounds (0 and the largest value when not
/// given) in the threshold's colour, and the value. Rows keep the query's order unless the options sort; rows
/// that do not fit the height end in `+N more`, and a narrow panel drops the bars before the values.
struct BarGaugePanel {
    let series: [ChartSeries]
    let options: PanelOptions

    func render(width: Int, height: Int, style: ANSIStyle) -> [String] {
        guard !series.isEmpty else { return ["no data"] }
        var rows = series.map { (name: $0.name, value: (options.reduce ?? .last).apply($0)) }
        if options.sortDescending == true {
            rows.sort { ($0.value.isNaN ? -.infinity : $0.value) > ($1.value.isNaN ? -.infinity : $1.value) }
        }
        let overflow = Overflow(Array(rows.prefix(options.limit ?? Int.max)), lines: max(1, height))
        let low = options.min ?? 0
        let high = options.max ?? max(rows.map(\.value).filter(\.isFinite).max() ?? 1, low + 1e-12)
        let values = overflow.shown.map { options.format($0.value) }
        let valueWidth = values.map(\.count).max() ?? 1
        let nameWidth = min(overflow.shown.map(\.name.count).max() ?? 1, max(4, width / 3))
        // The bar gives way first: a narrow panel still pairs each name with its value.
        let barWidth = max(0, width - nameWidth - valueWidth - 2)
        var lines = overflow.shown.enumerated().map { index, row in
            let color = options.color(for: row.value) ?? ChartColor.series(index)
            let fraction = (row.value - low) / (high - low)
            let bar =
                barWidth > 0
                ? MeterBar.render(fraction: fraction, width: barWidth, color: color, style: style) + " " : ""
            return TextCell.fit(row.name, to: nameWidth) + " " + bar
                + style.apply(color.sgr, TextCell.fit(values[index], to: valueWidth, alignment: .right))
        }
        if let note = overflow.note() { lines.append(style.apply(ANSIStyle.dim, note)) }
        return lines
    }
}
