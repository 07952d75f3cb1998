/// One row per series: its name, a bar scaled between the panel's bounds (0 and the largest value when not
/// given) in the threshold's colour, and the value. Rows keep the query's order unless the options sort.
struct BarGaugePanel {
    let series: [ChartSeries]
    let options: PanelOptions

    func render(width: Int, height: Int, style: ANSIStyle) -> [String] {
        guard !series.isEmpty else { return ["no data"] }
        var rows = series.map { (name: $0.name, value: (options.reduce ?? .last).apply($0)) }
        if options.sortDescending == true {
            rows.sort { ($0.value.isNaN ? -.infinity : $0.value) > ($1.value.isNaN ? -.infinity : $1.value) }
        }
        let limit = min(options.limit ?? Int.max, max(1, height))
        let low = options.min ?? 0
        let high = options.max ?? max(rows.map(\.value).filter(\.isFinite).max() ?? 1, low + 1e-12)
        let values = rows.map { options.format($0.value) }
        let valueWidth = values.map(\.count).max() ?? 1
        let nameWidth = min(rows.map(\.name.count).max() ?? 1, max(4, width / 3))
        let barWidth = max(1, width - nameWidth - valueWidth - 2)
        return rows.prefix(limit).enumerated().map { index, row in
            let color = options.color(for: row.value) ?? ChartColor.series(index)
            let fraction = (row.value - low) / (high - low)
            return TextCell.fit(row.name, to: nameWidth) + " "
                + MeterBar.render(fraction: fraction, width: barWidth, color: color, style: style) + " "
                + style.apply(color.sgr, TextCell.fit(values[index], to: valueWidth, alignment: .right))
        }
    }
}
