/// A one-line chart of eighth-blocks (`▁▂▃▄▅▆▇█`), for stat panels: the shape of the recent past.
///
/// Values are resampled to the width by taking the last value in each cell's share of the points; NaN cells
/// stay blank. A flat series draws at the lowest level rather than dividing by a zero span.
enum Sparkline {
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    static func render(_ values: [Double], width: Int) -> String {
        guard width > 0, !values.isEmpty else { return "" }
        let cells = resample(values, width: width)
        let finite = cells.filter { $0.isFinite }
        guard let low = finite.min(), let high = finite.max() else { return String(repeating: " ", count: cells.count) }
        let span = high - low
        return String(cells.map { value -> Character in
            guard value.isFinite else { return " " }
            guard span > 0 else { return levels[0] }
            let index = Int(((value - low) / span * Double(levels.count - 1)).rounded())
            return levels[max(0, min(levels.count - 1, index))]
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
