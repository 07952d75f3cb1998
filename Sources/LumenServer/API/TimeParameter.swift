import Foundation
import LumenModel

/// Times and durations in query parameters, as the Prometheus API accepts them.
enum TimeParameter {
    /// Unix seconds with a fraction (`1700000000.5`) or RFC 3339 (`2026-11-21T10:00:00Z`) → nanoseconds.
    static func time(_ text: String, name: String) throws(APIError) -> Int64 {
        if let seconds = Double(text), seconds.isFinite {
            return Int64((seconds * 1e9).rounded())
        }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return Int64((date.timeIntervalSince1970 * 1e9).rounded())
        }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) {
            return Int64((date.timeIntervalSince1970 * 1e9).rounded())
        }
        throw APIError(.badRequest, "invalid \(name) \"\(text)\": use Unix seconds or RFC 3339")
    }

    /// Seconds (`15`, `0.5`) or a duration (`15s`, `1m`) → nanoseconds.
    static func duration(_ text: String, name: String) throws(APIError) -> Int64 {
        if let seconds = Double(text), seconds.isFinite { return Int64((seconds * 1e9).rounded()) }
        if let nanoseconds = DurationText.parse(text) { return nanoseconds }
        throw APIError(.badRequest, "invalid \(name) \"\(text)\": use seconds or a duration like 30s, 5m")
    }

    /// Nanoseconds → Prometheus' float seconds.
    static func seconds(_ nanoseconds: Int64) -> Double { Double(nanoseconds) / 1e9 }
}
