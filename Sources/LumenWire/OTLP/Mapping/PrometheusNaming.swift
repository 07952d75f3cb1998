import LumenModel

/// OTel metric names and units → Prometheus metric names, after Prometheus' own OTLP receiver
/// ("UnderscoreEscapingWithSuffixes"): invalid characters become `_`, the unit becomes a suffix
/// (`s` → `_seconds`), a counter gets `_total`. See docs/otlp.md.
enum PrometheusNaming {
    enum Kind {
        case counter, gauge, histogram, summary
    }

    /// The full metric name for `name` with `unit`. Histograms and summaries get their `_bucket`, `_sum`
    /// and `_count` suffixes from the caller.
    static func metricName(_ name: String, unit: String, kind: Kind) -> String {
        var result = LabelName.sanitize(name, allowColons: true)
        var suffixes: [String] = []
        if let unitSuffix = unitSuffix(unit, kind: kind) { suffixes.append(unitSuffix) }
        if kind == .counter { suffixes.append("total") }
        // A name that already ends in its suffix (`http.server.duration_seconds`) keeps it once; `_total`
        // stays last, as Prometheus expects.
        if kind == .counter, result.hasSuffix("_total") { result.removeLast("_total".count) }
        for suffix in suffixes where !result.hasSuffix("_" + suffix) {
            result += "_" + suffix
        }
        return result
    }

    /// The suffix for a UCUM unit: known units spelled out, `{annotations}` dropped, `x/y` as `x_per_y`,
    /// `1` as `ratio` on gauges only (a counted "1" is just a count); `nil` when there is nothing to add.
    static func unitSuffix(_ unit: String, kind: Kind) -> String? {
        // Curly-brace parts are annotations (`{request}`, `By{packet}`), not units.
        var stripped = ""
        var depth = 0
        for char in unit {
            if char == "{" { depth += 1 } else if char == "}" { depth = max(0, depth - 1) } else if depth == 0 {
                stripped.append(char)
            }
        }
        stripped = stripped.trimmingWhitespace()
        if stripped.isEmpty { return nil }
        if stripped == "1" { return kind == .gauge ? "ratio" : nil }
        let parts = stripped.split(separator: "/", maxSplits: 1).map { String($0).trimmingWhitespace() }
        var words: [String] = []
        if let main = parts.first, !main.isEmpty { words.append(mainUnits[main] ?? LabelName.sanitize(main)) }
        if parts.count == 2, !parts[1].isEmpty {
            words.append("per_" + (perUnits[parts[1]] ?? mainUnits[parts[1]] ?? LabelName.sanitize(parts[1])))
        }
        return words.isEmpty ? nil : words.joined(separator: "_")
    }

    private static let mainUnits: [String: String] = [
        // time
        "d": "days", "h": "hours", "min": "minutes", "s": "seconds", "ms": "milliseconds", "us": "microseconds",
        "ns": "nanoseconds",
        // bytes
        "By": "bytes", "KiBy": "kibibytes", "MiBy": "mebibytes", "GiBy": "gibibytes", "TiBy": "tibibytes",
        "KBy": "kilobytes", "MBy": "megabytes", "GBy": "gigabytes", "TBy": "terabytes",
        // SI and others
        "m": "meters", "V": "volts", "A": "amperes", "J": "joules", "W": "watts", "g": "grams",
        "Cel": "celsius", "Hz": "hertz", "%": "percent",
    ]

    private static let perUnits: [String: String] = [
        "s": "second", "m": "minute", "h": "hour", "d": "day", "w": "week", "mo": "month", "y": "year",
    ]
}
