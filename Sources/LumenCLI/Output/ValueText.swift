import Foundation
import LumenModel

/// Sample values as a table shows them: the digits that matter, not the float's every digit.
/// `--output csv|jsonl|json` keep the server's exact text.
enum ValueText {
    /// Significant digits a fraction keeps: `0.004870159199999999` → `0.00487`, `2.3456` → `2.35`.
    static let significantDigits = 3

    /// `text` (a Prometheus float: `0.1`, `NaN`, `+Inf`) rounded to three significant digits, keeping every
    /// digit of the whole part (`1520`, `12346`); as a duration (`4.87ms`) when the value is in seconds.
    static func format(_ text: String, seconds: Bool = false) -> String {
        guard let value = Double(text), value.isFinite else { return text }
        if seconds, value != 0, abs(value) < 9.2e9 { return DurationText.format(Int64((value * 1e9).rounded())) }
        return format(value)
    }

    static func format(_ value: Double) -> String {
        guard value.isFinite else { return PrometheusNumber.format(value) }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let magnitude = abs(value)
        if magnitude >= 1e15 || magnitude < 1e-6 { return String(format: "%.\(significantDigits - 1)e", value) }
        // The decimal exponent of the first significant digit: 0 for 4.87, −3 for 0.00487, 4 for 12345.
        let exponent = Int(log10(magnitude).rounded(.down))
        let decimals = max(0, significantDigits - 1 - exponent)
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
