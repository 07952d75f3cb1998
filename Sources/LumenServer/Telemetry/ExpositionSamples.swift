import LumenModel

/// Prometheus' text exposition, as `SelfTelemetry` writes it, read into series of one sample each: one per
/// `name{labels} value` line; comments and blank lines are skipped. Only Lumen's own registry is read here, so
/// a line that does not parse is a bug in this reader, and is skipped rather than stored half right.
enum ExpositionSamples {
    static func series(_ text: String, at time: Int64) -> [TimeSeries] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            guard !line.hasPrefix("#"), let (labels, value) = sample(line) else { return nil }
            return TimeSeries(labels: labels, samples: [Sample(timestamp: time, value: value)])
        }
    }

    private static func sample(_ line: Substring) -> (Labels, Double)? {
        var rest = line[...]
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
        guard !name.isEmpty else { return nil }
        rest = rest.dropFirst(name.count)
        var labels = [Label("__name__", String(name))]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while let first = rest.first, first != "}" {
                if first == "," || first == " " {
                    rest = rest.dropFirst()
                    continue
                }
                let key = rest.prefix { $0 != "=" }
                rest = rest.dropFirst(key.count)
                guard rest.hasPrefix("=\"") else { return nil }
                rest = rest.dropFirst(2)
                var value = ""
                while let character = rest.first, character != "\"" {
                    rest = rest.dropFirst()
                    if character == "\\", let escaped = rest.first {
                        rest = rest.dropFirst()
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(character)
                    }
                }
                guard !rest.isEmpty else { return nil }
                rest = rest.dropFirst()
                labels.append(Label(String(key.filter { $0 != " " }), value))
            }
            guard !rest.isEmpty else { return nil }
            rest = rest.dropFirst()
        }
        guard let text = rest.split(separator: " ").first else { return nil }
        let value: Double? =
            switch text {
            case "+Inf", "Inf": .infinity
            case "-Inf": -.infinity
            case "NaN": .nan
            default: Double(text)
            }
        return value.map { (Labels(labels), $0) }
    }
}
