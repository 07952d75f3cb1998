/// Lines of one or more series drawn in braille, with a value axis on the left, times below, thresholds as
/// dotted lines and a legend of current/min/max/avg per series.
///
/// The value axis starts at zero for non-negative data (rates and latencies read honestly), unless the
/// options fix `min`/`max`. Points further apart than twice the usual spacing, and NaN points, are not joined:
/// missing data shows as a gap rather than as an invented line.
struct TimeSeriesPanel {
    let series: [ChartSeries]
    let options: PanelOptions
    /// Nanoseconds since the epoch.
    let start: Int64
    let end: Int64

    /// Narrower than this, the value axis gives its cells to the plot.
    static let minimumPlotWidth = 8

    func render(width: Int, height: Int, style: ANSIStyle) -> [String] {
        guard series.contains(where: { !$0.finiteValues.isEmpty }) else { return ["no data"] }
        let legendRows = options.showLegend == false ? 0 : min(series.count + 1, max(0, height - 5))
        let plotHeight = max(1, height - 1 - (legendRows > 1 ? legendRows : 0))
        let (low, high) = valueRange()
        let ticks = [high, (low + high) / 2, low].map(options.format)
        let tickWidth = ticks.map(\.count).max() ?? 1
        let labelWidth = width - tickWidth - 1 >= Self.minimumPlotWidth ? tickWidth : 0
        let plotWidth = max(1, width - (labelWidth > 0 ? labelWidth + 1 : 0))

        var canvas = BrailleCanvas(width: plotWidth, height: plotHeight)
        let (dotWidth, dotHeight) = (canvas.dotWidth, canvas.dotHeight)
        let scaleY = { (value: Double) -> Int in
            AxisScale.position((high - value) / (high - low), last: dotHeight - 1, within: -dotHeight...2 * dotHeight)
        }
        let span = Double(max(1, end - start))
        let scaleX = { (time: Int64) -> Int in
            AxisScale.position(Double(time - start) / span, last: dotWidth - 1, within: 0...dotWidth - 1)
        }
        for line in (options.thresholds ?? []).lines where line.value >= low && line.value <= high {
            let y = scaleY(line.value)
            for x in stride(from: 0, to: dotWidth, by: 3) { canvas.set(x: x, y: y, color: line.color) }
        }
        for (index, one) in series.enumerated() {
            draw(one, on: &canvas, color: ChartColor.series(index), x: scaleX, y: scaleY)
        }

        var lines: [String] = []
        for (row, text) in canvas.lines(style: style).enumerated() {
            guard labelWidth > 0 else {
                lines.append(text)
                continue
            }
            let tick = tickRow(row, of: plotHeight, ticks: ticks)
            let label =
                tick.map { TextCell.fit($0, to: labelWidth, alignment: .right) + "┤" }
                ?? String(repeating: " ", count: labelWidth) + "│"
            lines.append(style.apply(ANSIStyle.dim, label) + text)
        }
        lines.append(
            String(repeating: " ", count: labelWidth > 0 ? labelWidth + 1 : 0)
                + style.apply(ANSIStyle.dim, TimeAxis(start: start, end: end).render(width: plotWidth)))
        if legendRows > 1 { lines += legend(width: width, rows: legendRows - 1, style: style) }
        return lines
    }

    /// The tick on a row of the plot: the top on the first row, the bottom on the last, the middle between
    /// them when there is a row for it; a plot of one row shows only the top.
    private func tickRow(_ row: Int, of rows: Int, ticks: [String]) -> String? {
        if row == 0 { return ticks[0] }
        if row == rows - 1 { return ticks[2] }
        return row == rows / 2 ? ticks[1] : nil
    }

    private func draw(
        _ series: ChartSeries, on canvas: inout BrailleCanvas, color: ChartColor, x: (Int64) -> Int, y: (Double) -> Int
    ) {
        let points = series.points.filter { $0.t >= start && $0.t <= end }.sorted { $0.t < $1.t }
        let gaps = zip(points, points.dropFirst()).map { $1.t - $0.t }.sorted()
        let usual = gaps.isEmpty ? Int64.max : gaps[gaps.count / 2]
        var previous: ChartSeries.Point? = nil
        for point in points {
            guard point.v.isFinite else {
                previous = nil
                continue
            }
            let here = (x: x(point.t), y: y(point.v))
            if let before = previous, point.t - before.t <= usual * 2 {
                canvas.line(from: (x(before.t), y(before.v)), to: here, color: color)
            } else {
                canvas.set(x: here.x, y: here.y, color: color)
            }
            previous = point
        }
    }

    /// The value axis: the options' bounds, else the data's, from zero when nothing is negative; a flat or
    /// empty range widens so that the line sits inside the chart.
    func valueRange() -> (Double, Double) {
        let values = series.flatMap(\.finiteValues)
        var low = options.min ?? min(0, values.min() ?? 0)
        var high = options.max ?? values.max() ?? 1
        if high <= low {
            if options.max == nil { high = low + (low == 0 ? 1 : abs(low)) } else { low = high - 1 }
        }
        return (low, high)
    }

    /// A header and one row per series, the most recent series first cut when rows run out.
    private func legend(width: Int, rows: Int, style: ANSIStyle) -> [String] {
        let titles = ["current", "min", "max", "avg"]
        let table = series.map { one -> [String] in
            let values = one.finiteValues
            guard !values.isEmpty else { return ["-", "-", "-", "-"] }
            return [one.last, values.min()!, values.max()!, values.reduce(0, +) / Double(values.count)]
                .map(options.format)
        }
        let valueWidth = (table.flatMap { $0 } + titles).map(\.count).max() ?? 1
        // Statistics give way from the right (avg first) so that a narrow legend keeps the names.
        let columns = max(0, min(titles.count, (width - 3 - 4) / (valueWidth + 1)))
        let nameWidth = max(4, width - columns * (valueWidth + 1) - 3)
        func row(_ marker: String, _ name: String, _ cells: [String]) -> String {
            marker + " " + TextCell.fit(name, to: nameWidth)
                + cells.prefix(columns).map { " " + TextCell.fit($0, to: valueWidth, alignment: .right) }.joined()
        }
        var lines = [style.apply(ANSIStyle.dim, row("  ", "", titles))]
        let overflow = Overflow(series, lines: rows)
        for (index, one) in overflow.shown.enumerated() {
            lines.append(row(style.apply(ChartColor.series(index).sgr, "━━"), one.name, table[index]))
        }
        if let note = overflow.note("series") { lines.append(style.apply(ANSIStyle.dim, "   " + note)) }
        return lines.map(TextCell.trimTrailing)
    }
}
