import Foundation
import LumenModel

/// Query parameters as Loki's HTTP API reads them (`pkg/loghttp`), checked against `ClientTime`'s bounds so no
/// client number traps: every bad value is a 400 naming the parameter.
struct LokiParameters {
    let form: FormParameters
    /// When the request arrived: the default `end` and `time`.
    let now: Int64

    subscript(name: String) -> String? {
        guard let value = form[name], !value.isEmpty else { return nil }
        return value
    }

    /// The required `query`.
    func query() throws(APIError) -> String {
        guard let text = self["query"] else { throw APIError(.badRequest, "missing the parameter \"query\"") }
        return text
    }

    /// `[start, end]`: `end` defaults to now; `start` to `end` less `since` (a duration) or one hour.
    func range() throws(APIError) -> (start: Int64, end: Int64) {
        let end = try time("end") ?? now
        let start: Int64
        if let given = try time("start") {
            start = given
        } else {
            let since = try duration("since") ?? 3600 * Timestamp.nanosecondsPerSecond
            start = end - since  // Both inside ClientTime's bounds: this cannot overflow.
        }
        guard start <= end else { throw APIError(.badRequest, "end timestamp must not be before or equal to start time") }
        return (start, end)
    }

    /// A time: RFC 3339, float seconds (with a `.`), or an integer that is seconds up to 10 digits and
    /// nanoseconds beyond, as Loki reads it (Grafana sends nanoseconds; its probe's `time=4000000000` is seconds).
    func time(_ name: String) throws(APIError) -> Int64? {
        guard let text = self[name] else { return nil }
        let nanoseconds: Int64?
        if text.contains("."), let seconds = Double(text), seconds.isFinite {
            nanoseconds = ClientTime.instant(seconds: seconds)
        } else if let integer = Int64(text) {
            nanoseconds = text.count <= 10 ? ClientTime.instant(seconds: Double(integer))
                : ClientTime.instant(nanoseconds: integer)
        } else if let date = (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle()))
        {
            nanoseconds = ClientTime.instant(seconds: date.timeIntervalSince1970)
        } else {
            throw APIError(.badRequest, "invalid \(name) \"\(text.prefix(64))\": use nanoseconds, seconds or RFC 3339")
        }
        guard let nanoseconds else {
            throw APIError(.badRequest, "invalid \(name) \"\(text.prefix(64))\": times must be \(ClientTime.instantsText)")
        }
        return nanoseconds
    }

    /// A duration: seconds (`15`, `0.5`) or with a unit (`15s`, `1000ms`).
    func duration(_ name: String) throws(APIError) -> Int64? {
        guard let text = self[name] else { return nil }
        let duration = try TimeParameter.duration(text, name: name)
        guard duration > 0 else { throw APIError(.badRequest, "invalid \(name) \"\(text)\": must be positive") }
        return duration
    }

    /// `step`, by default Loki's: the range over 250, in whole seconds, at least one second.
    func step(start: Int64, end: Int64) throws(APIError) -> Int64 {
        if let step = try duration("step") { return step }
        let second = Timestamp.nanosecondsPerSecond
        return max(1, (end - start) / second / 250) * second
    }

    /// `limit`: by default 100, as Loki; at most `maximum` (Loki's `max_entries_limit_per_query`).
    func limit(maximum: Int) throws(APIError) -> Int {
        guard let text = self["limit"] else { return 100 }
        guard let limit = Int(text), limit > 0 else {
            throw APIError(.badRequest, "invalid limit \"\(text.prefix(64))\": must be a positive whole number")
        }
        guard limit <= maximum else {
            throw APIError(.badRequest, "max entries limit per query exceeded, limit > max_entries_limit (\(limit) > "
                + "\(maximum))")
        }
        return limit
    }

    /// `direction`: `backward` (newest first, the default) or `forward`.
    func isForward() throws(APIError) -> Bool {
        switch self["direction"]?.lowercased() {
        case nil, "backward": return false
        case "forward": return true
        case let other?:
            throw APIError(.badRequest, "invalid direction \"\(other.prefix(32))\": use forward or backward")
        }
    }
}
