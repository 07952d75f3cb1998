import ArgumentParser
import Foundation
import LumenModel

/// `--from`/`--to`/`--time` values: RFC 3339 (`2026-11-21T10:00:00Z`), Unix seconds, `now`, or relative to now
/// (`-15m`, `-1h30m`). Sent to the server as Unix seconds.
enum TimeArgument {
    static func unixSeconds(_ text: String, now: Date = Date()) -> String? {
        // Relative times are whole seconds: exact through the API's float seconds, so steps land on them.
        let wholeNow = now.timeIntervalSince1970.rounded(.down)
        if text == "now" { return seconds(wholeNow) }
        if text.hasPrefix("-"), let nanoseconds = DurationText.parse(text.dropFirst()) {
            return seconds(wholeNow - (Double(nanoseconds) / 1e9).rounded(.up))
        }
        if let value = Double(text), value.isFinite { return text }
        for style in [Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle()] {
            if let date = try? Date(text, strategy: style) { return seconds(date.timeIntervalSince1970) }
        }
        return nil
    }

    /// Refuses `--from`/`--to`/`--time` values that are none of the accepted forms, before anything is sent.
    static func validate(from: String?, to: String?, time: String? = nil) throws {
        for (name, value) in [("--from", from), ("--to", to), ("--time", time)] {
            if let value, unixSeconds(value) == nil {
                throw ValidationError("\(name) takes RFC 3339 (2026-11-21T10:00:00Z), Unix seconds or -15m")
            }
        }
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(format: "%.3f", value)
    }
}
