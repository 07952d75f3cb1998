/// A one-line chart of eighth-blocks (`▁▂▃▄▅▆▇█`), for stat panels: the shape of the recent past.
///
/// Values are resampled to the width by taking the last value in each cell's share of the points; NaN cells
/// stay blank. A flat series draws at the lowest level rather than dividing by a zero span. Given a time range,
/// points are placed by their time instead, so that data covering part of the range sits where it happened.
enum Sparkline {
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The points placed on `width` cells spanning `start`…`end` (nanoseconds): each cell shows the last point
    /// at or before its end, held for up to twice the points' usual spacing; older or missing data stays blank.
    static func render(_ points: [ChartSeries.Point], start: Int64, end: Int64, width: Int) -> String {
        guard width > 0, end > start else { return render(points.map(\.v), width: width) }
        let sorted = points.filter { $0.t >= start && $0.t <= end && !$0.v.isNaN }.sorted { $0.t < $1.t }
        let gaps = zip(sorted, sorted.dropFirst()).map { $1.t - $0.t }.sorted()
        let cell = Double(end - start) / Double(width)
        let hold = max(Double(gaps.isEmpty ? 0 : gaps[gaps.count / 2]) * 2, cell)
        var next = 0
        var cells: [Double] = []
        for index in 0..<width {
            let cellEnd = start + Int64(cell * Double(index + 1))
            while next < sorted.count, sorted[next].t <= cellEnd { next += 1 }
            let held = next > 0 ? sorted[next - 1] : nil
            cells.append(held.map { Double(cellEnd - $0.t) <= hold ? $0.v : .nan } ?? .nan)
        }
        return render(cells, width: width)
    }

    static func render(_ values: [Double], width: Int) -> String {
        guard width > 0, !values.isEmpty else { return "" }
        let cells = resample(values, width: width)
        let finite = cells.filter { $0.isFinite }
        guard let low = finite.min(), let high = finite.max() else { return String(repeating: " ", count: cells.count) }
        let span = high - low
        return String(
            cells.map { value -> Character in
                guard value.isFinite else { return " " }
                guard span > 0 else { return levels[0] }
                let last = levels.count - 1
                return levels[AxisScale.position((value - low) / span, last: last, within: 0...last)]
            })
    }

    /// At most `width` values: the last point falling into each cell; fewer points than cells stay as they are.
    static func resample(_ values: [Double], width: Int) -> [Double] {
        guard values.count > width else { return values }
        return (0..<width).map { cell in
            let end = (cell + 1) * values.count / width
            return values[max(0, end - 1)]
        }
    }
}
