import Foundation
import LumenModel

/// The `data` of Prometheus' `/api/v1/rules` and `/api/v1/alerts`, field for field as `web/api/v1` writes them
/// (Grafana and `lumen rules` read these): times as RFC 3339 text, durations in seconds, alert values as Go's
/// `%e` text, labels as objects.
public enum RulesAPIJSON {
    public struct RuleDiscovery: Codable, Sendable {
        public var groups: [Group]
    }

    public struct AlertDiscovery: Codable, Sendable {
        public var alerts: [Alert]
    }

    public struct Group: Codable, Sendable {
        public var name: String
        public var file: String
        public var rules: [Rule]
        public var interval: Double
        public var limit: Int
        public var evaluationTime: Double
        public var lastEvaluation: String
    }

    /// An alerting rule (`type: alerting`) or a recording one (`type: recording`, without the alerting fields).
    public struct Rule: Codable, Sendable {
        public var state: String?
        public var name: String
        public var query: String
        public var duration: Double?
        public var keepFiringFor: Double?
        public var labels: [String: String]?
        public var annotations: [String: String]?
        public var alerts: [Alert]?
        public var health: String
        public var lastError: String?
        public var evaluationTime: Double
        public var lastEvaluation: String
        public var type: String
    }

    public struct Alert: Codable, Sendable {
        public var labels: [String: String]
        public var annotations: [String: String]
        public var state: String
        public var activeAt: String?
        public var keepFiringSince: String?
        public var value: String
    }

    /// Go's zero time, which Prometheus writes for a rule never evaluated.
    static let zeroTime = "0001-01-01T00:00:00Z"

    /// RFC 3339 with nanoseconds, trailing zeros dropped, in UTC (Go's `time.RFC3339Nano`).
    public static func time(_ nanoseconds: Int64) -> String {
        guard nanoseconds != 0 else { return zeroTime }
        let seconds = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        let whole = seconds.remainder < 0 ? seconds.quotient - 1 : seconds.quotient
        let fraction = seconds.remainder < 0 ? seconds.remainder + 1_000_000_000 : seconds.remainder
        let date = Date(timeIntervalSince1970: TimeInterval(whole))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        var text = String(format: "%04d", parts.year ?? 0) + "-" + two(parts.month) + "-" + two(parts.day) + "T"
            + two(parts.hour) + ":" + two(parts.minute) + ":" + two(parts.second)
        if fraction != 0 {
            var digits = String(format: "%09d", fraction)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + "Z"
    }

    /// Go's `strconv.FormatFloat(v, 'e', -1, 64)`: the shortest digits that read back, as `d.ddde±XX`.
    public static func value(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == 0 { return value.sign == .minus ? "-0e+00" : "0e+00" }
        // Swift's description is the shortest round-trip form; take its digits and exponent.
        let text = "\(value)"
        var mantissa = text
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(text[..<e])
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integer = String(parts[0])
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        var digits = integer + fraction
        var pointAfter = integer.count  // the decimal point sits after this many digits
        while digits.hasPrefix("0") {
            digits.removeFirst()
            pointAfter -= 1
        }
        while digits.hasSuffix("0") { digits.removeLast() }
        exponent += pointAfter - 1
        var result = negative ? "-" : ""
        result += String(digits.prefix(1))
        if digits.count > 1 { result += "." + digits.dropFirst() }
        result += exponent < 0 ? "e-" : "e+"
        result += String(format: "%02d", abs(exponent))
        return result
    }
}
