/// Byte sizes as people write them in queries and log lines: `512B`, `10KB`, `1.5MiB`. Decimal units are powers
/// of 1000 and binary ones (`KiB`…) of 1024, as in LogQL (go-humanize); unit case does not matter.
enum ByteSize {
    private static let units: [(suffix: String, factor: Double)] = [
        ("kib", 1024), ("mib", 1024 * 1024), ("gib", 1024 * 1024 * 1024), ("tib", 1024 * 1024 * 1024 * 1024),
        ("kb", 1e3), ("mb", 1e6), ("gb", 1e9), ("tb", 1e12), ("b", 1),
    ]

    /// The size in bytes, or `nil` when the text is not a number followed by a byte unit.
    static func parse(_ text: some StringProtocol) -> Double? {
        let lower = text.lowercased()
        for unit in units where lower.hasSuffix(unit.suffix) {
            let number = lower.dropLast(unit.suffix.count).trimmingPrefixSpaces()
            guard !number.isEmpty, let value = Double(number), value.isFinite, value >= 0 else { return nil }
            return value * unit.factor
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingPrefixSpaces() -> Substring {
        var text = self
        while text.last == " " { text = text.dropLast() }
        return text
    }
}
