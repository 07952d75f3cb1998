/// Durations as people write them — `250ms`, `1.5s`, `1h30m` — converted to and from nanoseconds.
/// The units are Prometheus' and Go's: ns, us/µs, ms, s, m, h, d, w, y (365 days).
public enum DurationText {
    private static let units: [(suffix: String, nanoseconds: Double)] = [
        ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
        ("d", 86400e9), ("w", 604800e9), ("y", 31536000e9),
    ]

    /// Parses one or more `<number><unit>` terms (`1h30m`, `0.5s`); `nil` if the text is anything else.
    public static func parse(_ text: some StringProtocol) -> Int64? {
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { $0.isLetter }
            guard let unit = units.first(where: { $0.suffix == unitText }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            total += value * unit.nanoseconds
        }
        guard total < Double(Int64.max) else { return nil }
        return Int64(total)
    }

    /// A short human form with three significant digits: `950µs`, `12.3ms`, `2.50s`, `3m20s`.
    public static func format(_ nanoseconds: Int64) -> String {
        let value = Double(nanoseconds)
        let magnitude = abs(value)
        if magnitude < 1e3 { return "\(nanoseconds)ns" }
        if magnitude < 1e6 { return significant(value / 1e3) + "µs" }
        if magnitude < 1e9 { return significant(value / 1e6) + "ms" }
        if magnitude < 60e9 { return significant(value / 1e9) + "s" }
        let seconds = nanoseconds / 1_000_000_000
        if seconds < 3600 { return "\(seconds / 60)m\(seconds % 60)s" }
        return "\(seconds / 3600)h\(seconds % 3600 / 60)m"
    }

    /// Rounds to 2, 1 or 0 decimals by magnitude and drops trailing zeros.
    private static func significant(_ value: Double) -> String {
        let scale = abs(value) >= 100 ? 1.0 : abs(value) >= 10 ? 10.0 : 100.0
        let rounded = (value * scale).rounded() / scale
        return rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
    }
}
