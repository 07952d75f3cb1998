import LumenModel

/// Durations as Prometheus' configuration writes them (`model.ParseDuration`): whole numbers with units in
/// decreasing order, `1h30m`, `5m`, `90s`, `500ms`, `2d`, `1w`, `1y`, or a bare `0`.
public enum PrometheusDuration {
    private static let units: [(suffix: String, nanoseconds: Int64)] = [
        ("y", 365 * 86_400_000_000_000), ("w", 7 * 86_400_000_000_000), ("d", 86_400_000_000_000),
        ("h", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000),
    ]

    /// The duration in nanoseconds, or `nil` if the text is not a Prometheus duration or overflows.
    public static func parse(_ text: String) -> Int64? {
        if text == "0" { return 0 }
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        var total: Int64 = 0
        var nextUnit = 0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let number = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let suffix = rest.prefix { $0.isASCII && $0.isLetter }
            guard let index = units[nextUnit...].firstIndex(where: { $0.suffix == suffix }) else { return nil }
            rest = rest.dropFirst(suffix.count)
            nextUnit = index + 1
            let (scaled, overflowScale) = number.multipliedReportingOverflow(by: units[index].nanoseconds)
            let (sum, overflowSum) = total.addingReportingOverflow(scaled)
            guard !overflowScale, !overflowSum else { return nil }
            total = sum
        }
        return total
    }

    /// The shortest Prometheus form of a duration (`1h30m`, `5m`, `0s`), as Prometheus prints them.
    public static func format(_ nanoseconds: Int64) -> String {
        guard nanoseconds != 0 else { return "0s" }
        var rest = nanoseconds / 1_000_000
        var text = ""
        let milliUnits: [(String, Int64)] = [
            ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000),
            ("s", 1_000), ("ms", 1),
        ]
        for (suffix, size) in milliUnits where rest >= size {
            // As Prometheus: years and weeks only when they divide the rest, since `90d` reads better than `12w6d`.
            if suffix == "y" || suffix == "w", rest % size != 0 { continue }
            text += "\(rest / size)\(suffix)"
            rest %= size
        }
        return text
    }
}
