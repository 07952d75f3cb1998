/// Each series' reduced value as a horizontal meter between the panel's `min` and `max` (0 and 100 by
/// default, 0 and 1 for ratios): the value centred above a bar filled in the threshold's colour, with the
/// threshold steps marked on a scale line below. Several series that do not fit as gauges become the rows of a
/// bar gauge over the same range.
struct GaugePanel {
    let series: [ChartSeries]
    let options: PanelOptions

    func render(width: Int, height: Int, style: ANSIStyle) -> [String] {
        guard !series.isEmpty else { return ["no data"] }
        let (low, high) = GaugePanel.bounds(options)
        if series.count > 1, (height + 1) / 4 < series.count {
            var bars = options
            (bars.min, bars.max) = (low, high)
            return BarGaugePanel(series: series, options: bars).render(width: width, height: height, style: style)
        }
        var lines: [String] = []
        for one in series {
            let value = (options.reduce ?? .last).apply(one)
            let color = options.color(for: value)
            var title = options.format(value)
            if series.count > 1 { title = one.name + "  " + title }
            let code = [ANSIStyle.bold, color?.sgr].compactMap { $0 }.joined(separator: ";")
            lines.append(style.apply(code, StatPanel.centred(TextCell.truncate(title, to: width), width: width)))
            let fraction = value.isFinite ? (value - low) / (high - low) : 0
            lines.append(MeterBar.render(fraction: fraction, width: width, color: color, style: style))
            lines.append(style.apply(ANSIStyle.dim, scale(low: low, high: high, width: width)))
            if series.count > 1 { lines.append("") }
        }
        return Array(lines.prefix(series.count > 1 ? lines.count - 1 : lines.count))
    }

    /// The gauge's range: the options' bounds, else 0–1 for ratios and 0–100 otherwise.
    static func bounds(_ options: PanelOptions) -> (Double, Double) {
        let low = options.min ?? 0
        let high = options.max ?? (options.unit == .ratio ? 1 : 100)
        return (low, high > low ? high : low + 1)
    }

    /// The minimum on the left, the maximum on the right, and `┴` under each threshold step in between.
    private func scale(low: Double, high: Double, width: Int) -> String {
        var cells = Array(repeating: Character(" "), count: width)
        for line in (options.thresholds ?? []).lines where line.value > low && line.value < high {
            cells[AxisScale.cell((line.value - low) / (high - low), of: width)] = "┴"
        }
        let left = options.format(low)
        let right = options.format(high)
        for (index, character) in left.enumerated() where index < width { cells[index] = character }
        for (index, character) in right.enumerated() where width - right.count + index >= 0 {
            cells[width - right.count + index] = character
        }
        return String(cells)
    }
}
