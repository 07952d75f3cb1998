extension Resource {
    /// Resource attributes whose labels have short, conventional names (Prometheus' `instance`, Loki's `service`).
    public static let promotedLabelNames: [String: String] = [
        "service.name": "service",
        "service.namespace": "namespace",
        "service.instance.id": "instance",
        "host.name": "host",
    ]

    /// The resource folded into labels, the way metric series and log streams are identified:
    /// well-known attributes under their short names, the rest with sanitized names; SDK and process
    /// details (`telemetry.*`, `process.*`) are left out because they only add cardinality.
    public var labels: [Label] {
        attributes.compactMap { attribute in
            if let short = Self.promotedLabelNames[attribute.key] { return Label(short, attribute.value.text) }
            if attribute.key.hasPrefix("telemetry.") || attribute.key.hasPrefix("process.") { return nil }
            return Label(LabelName.sanitize(attribute.key), attribute.value.text)
        }
    }
}

/// Prometheus label and metric names: `[a-zA-Z_][a-zA-Z0-9_]*` (metric names may also hold `:`).
public enum LabelName {
    /// Replaces every invalid character with `_`, and prefixes `_` to a leading digit.
    public static func sanitize(_ name: String, allowColons: Bool = false) -> String {
        var result = String(name.unicodeScalars.map { scalar -> Character in
            let valid = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                || scalar == "_" || (allowColons && scalar == ":"))
            return valid ? Character(scalar) : "_"
        })
        if let first = result.unicodeScalars.first, ("0"..."9").contains(first) { result = "_" + result }
        return result.isEmpty ? "_" : result
    }
}
