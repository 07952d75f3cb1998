import Foundation
import LumenModel

/// `--from`/`--to` values: RFC 3339 (`2026-11-21T10:00:00Z`), Unix seconds, `now`, or relative to now
/// (`-15m`, `-1h30m`). Sent to the server as Unix seconds.
enum TimeArgument {
    static func unixSeconds(_ text: String, now: Date = Date()) -> String? {
        if text == "now" { return seconds(now.timeIntervalSince1970) }
        if text.hasPrefix("-"), let nanoseconds = DurationText.parse(text.dropFirst()) {
            return seconds(now.timeIntervalSince1970 - Double(nanoseconds) / 1e9)
        }
        if let value = Double(text), value.isFinite { return text }
        for style in [Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle()] {
            if let date = try? Date(text, strategy: style) { return seconds(date.timeIntervalSince1970) }
        }
        return nil
    }

    private static func seconds(_ value: Double) -> String { String(format: "%.3f", value) }
}
