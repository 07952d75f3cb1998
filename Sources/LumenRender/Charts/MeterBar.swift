/// A bar filled to a fraction of its width at one-eighth-cell resolution (`▏▎▍▌▋▊▉█`), on a track of
/// `░`: the body of gauges and bar gauges.
enum MeterBar {
    static let partials: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    static func render(fraction: Double, width: Int, color: ChartColor?, style: ANSIStyle) -> String {
        guard width > 0 else { return "" }
        let clamped = fraction.isFinite ? max(0, min(1, fraction)) : 0
        let eighths = Int((clamped * Double(width * 8)).rounded())
        var filled = String(repeating: "█", count: eighths / 8)
        if eighths % 8 > 0 { filled.append(partials[eighths % 8 - 1]) }
        let track = String(repeating: "░", count: width - filled.count)
        let bar = filled.isEmpty ? "" : color.map { style.apply($0.sgr, filled) } ?? filled
        return bar + style.apply(ANSIStyle.dim, track)
    }
}
