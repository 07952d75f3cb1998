import Foundation
import LumenModel

/// Times and durations in query parameters, as the Prometheus API accepts them, checked against
/// `ClientTime`'s bounds: a number no `Int64` of nanoseconds can hold is a 400 naming the parameter, never a trap.
enum TimeParameter {
    /// Unix seconds with a fraction (`1700000000.5`) or RFC 3339 (`2026-11-21T10:00:00Z`) → nanoseconds.
    static func time(_ text: String, name: String) throws(APIError) -> Int64 {
        let seconds: Double
        if let number = Double(text), number.isFinite {
            seconds = number
        } else if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            seconds = date.timeIntervalSince1970
        } else if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) {
            seconds = date.timeIntervalSince1970
        } else {
            throw APIError(.badRequest, "invalid \(name) \"\(text.prefix(64))\": use Unix seconds or RFC 3339")
        }
        guard let nanoseconds = ClientTime.instant(seconds: seconds) else {
            throw APIError(.badRequest, "invalid \(name) \"\(text.prefix(64))\": out of range, times must be "
                + ClientTime.instantsText)
        }
        return nanoseconds
    }

    /// Seconds (`15`, `0.5`) or a duration (`15s`, `1m`) → nanoseconds.
    static func duration(_ text: String, name: String) throws(APIError) -> Int64 {
        let nanoseconds: Int64?
        if let seconds = Double(text), seconds.isFinite {
            nanoseconds = ClientTime.duration(seconds: seconds)
        } else if let parsed = DurationText.parse(text) {
            nanoseconds = ClientTime.duration(nanoseconds: parsed)
        } else {
            throw APIError(.badRequest, "invalid \(name) \"\(text.prefix(64))\": use seconds or a duration like 30s, 5m")
        }
        guard let nanoseconds else {
            throw APIError(.badRequest, "invalid \(name) \"\(text.prefix(64))\": out of range, durations are "
                + ClientTime.durationsText)
        }
        return nanoseconds
    }

    /// Nanoseconds → Prometheus' float seconds.
    static func seconds(_ nanoseconds: Int64) -> Double { Double(nanoseconds) / 1e9 }
}
