/// Floats as Prometheus writes them in text and JSON: `NaN`, `+Inf`, `-Inf`, whole numbers without a fraction,
/// otherwise the shortest text that round-trips. Bucket bounds (`le`), quantiles and API values all use it.
public enum PrometheusNumber {
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
