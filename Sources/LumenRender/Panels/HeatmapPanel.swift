/// Histogram buckets over time in block shades (` ░▒▓█`): one row per bucket (the largest bound on top),
/// one column per slice of the range, darker where more observations fell.
///
/// The input is Prometheus' cumulative buckets — series labelled `le`, e.g. from
/// `sum by (le) (rate(x_bucket[1m]))` — which are turned into per-bucket counts at each time. When there are
/// more buckets than rows, neighbouring buckets are merged.
struct HeatmapPanel {
    let series: [ChartSeries]
    let options: PanelOptions
    let start: Int64
    let end: Int64

    static let shades: [Character] = [" ", "░", "▒", "▓", "█"]

    func render(width: Int, height: Int, style: ANSIStyle) -> [String] {
        let buckets = series.compactMap { one in Self.bound(one.labels["le"]).map { (bound: $0, series: one) } }
            .sorted { $0.bound < $1.bound }
        guard !buckets.isEmpty else { return ["no data: a heatmap needs series with an \"le\" label"] }
        let rows = max(1, min(buckets.count, height - 2))
        let labels = (0..<rows).map { row in
            label(for: groupBounds(row: row, rows: rows, buckets: buckets.map(\.bound)))
        }
        let fullLabelWidth = labels.map(\.count).max() ?? 1
        // Narrower than a time series' minimum plot, the bounds give their cells to the shades.
        let labelWidth = width - fullLabelWidth - 1 >= TimeSeriesPanel.minimumPlotWidth ? fullLabelWidth : 0
        let columns = max(1, width - (labelWidth > 0 ? labelWidth + 1 : 0))
        // counts[column][bucket]: per-bucket counts, from the cumulative series at each column's time.
        let counts = (0..<columns).map { column -> [Double] in
            let time = start + Int64(Double(end - start) * (Double(column) + 1) / Double(columns))
            let cumulative = buckets.map { Self.value(of: $0.series, at: time, within: (end - start) / Int64(columns)) }
            return cumulative.indices.map { index in
                let here = cumulative[index]
                let below = index == 0 ? 0 : cumulative[index - 1]
                return here.isFinite && below.isFinite ? max(0, here - below) : .nan
            }
        }
        let grouped = counts.map { perBucket in
            (0..<rows).map { row in
                let range = bucketRange(row: row, rows: rows, count: buckets.count)
                let values = perBucket[range].filter(\.isFinite)
                return values.isEmpty ? Double.nan : values.reduce(0, +)
            }
        }
        let peak = options.max ?? grouped.flatMap { $0 }.filter(\.isFinite).max() ?? 0
        var lines: [String] = []
        for row in (0..<rows).reversed() {
            let cells = grouped.map { column -> Character in
                let value = column[row]
                guard value.isFinite, value > 0, peak > 0 else { return " " }
                let last = Self.shades.count - 1
                return Self.shades[AxisScale.position(value / peak, last: last, within: 1...last, rule: .up)]
            }
            let label = labelWidth > 0 ? TextCell.fit(labels[row], to: labelWidth, alignment: .right) + "┤" : ""
            lines.append(style.apply(ANSIStyle.dim, label) + style.apply(ChartColor.orange.sgr, String(cells)))
        }
        let pad = String(repeating: " ", count: labelWidth > 0 ? labelWidth + 1 : 0)
        lines.append(pad + style.apply(ANSIStyle.dim, TimeAxis(start: start, end: end).render(width: columns)))
        if height > rows + 1 {
            lines.append(
                pad + style.apply(ANSIStyle.dim, "░ few  ▒  ▓  █ most: \(ValueUnit.short.format(peak)) in one cell"))
        }
        return lines
    }

    /// Buckets `[lower, upper)` indices of a row when `count` buckets are spread over `rows` rows.
    private func bucketRange(row: Int, rows: Int, count: Int) -> Range<Int> {
        (row * count / rows)..<((row + 1) * count / rows)
    }

    private func groupBounds(row: Int, rows: Int, buckets: [Double]) -> Double {
        buckets[bucketRange(row: row, rows: rows, count: buckets.count).upperBound - 1]
    }

    /// A row's label is its upper bound in the panel's unit: `≤250ms`, `+Inf`.
    private func label(for bound: Double) -> String {
        bound.isInfinite ? "+Inf" : "≤" + options.format(bound)
    }

    static func bound(_ text: String?) -> Double? {
        guard let text else { return nil }
        if text == "+Inf" || text == "Inf" { return .infinity }
        return Double(text)
    }

    /// The value of the last point at or before `time` and no older than `within`; NaN when there is none.
    static func value(of series: ChartSeries, at time: Int64, within: Int64) -> Double {
        guard let point = series.points.last(where: { $0.t <= time }), time - point.t <= max(within, 1) * 2 else {
            return .nan
        }
        return point.v
    }
}
