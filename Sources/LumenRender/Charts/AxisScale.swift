/// Doubles to positions on a chart's axis without trapping: the one place a renderer turns a fraction of a
/// range into an `Int`, whatever the data (NaN, ±Inf, 1e308, a range of zero width).
enum AxisScale {
    /// `fraction` of the way along positions `0...last`, rounded by `rule` and clamped to `bounds`; NaN gives
    /// the lower bound. Bounds wider than `0...last` let lines run off the chart towards a far point (and be
    /// clipped by the canvas) without walking billions of dots.
    static func position(
        _ fraction: Double, last: Int, within bounds: ClosedRange<Int>,
        rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero
    ) -> Int {
        let scaled = (fraction * Double(last)).rounded(rule)
        guard !scaled.isNaN else { return bounds.lowerBound }
        return Int(max(Double(bounds.lowerBound), min(Double(bounds.upperBound), scaled)))
    }

    /// The cell among `count` cells (`count` ≥ 1) holding `fraction` of the way across, rounded down.
    static func cell(_ fraction: Double, of count: Int) -> Int {
        position(fraction, last: count, within: 0...max(0, count - 1), rule: .down)
    }
}
