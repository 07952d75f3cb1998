import Foundation
import LumenModel
import LumenRender

/// The range a dashboard shows, from `--from`/`--to`/`--since` or the file's defaults (the last hour when
/// neither says). Times are `now`, `now-15m`, Unix seconds or RFC 3339; ranges are nanoseconds.
struct DashTimeRange {
    var start: Int64
    var end: Int64
    /// Whether the range moves with the clock (a `--watch` re-evaluates it each redraw).
    var relative: Bool

    struct Spec {
        var from: String?
        var to: String?
        var since: String?
    }

    static func resolve(_ given: Spec, defaults: DashboardFile.TimeDefaults?, now: Int64) throws -> DashTimeRange {
        let explicit = given.from != nil || given.to != nil || given.since != nil
        let spec = explicit ? given : Spec(from: defaults?.from, to: defaults?.to, since: defaults?.since)
        let end = try spec.to.map { try time($0, now: now, name: "--to") } ?? now
        let start: Int64
        if let since = spec.since {
            guard let back = DurationText.parse(since), back > 0 else {
                throw DashboardError(field: "--since", message: "takes a duration like 1h, got \"\(since)\"")
            }
            start = end - back
        } else if let from = spec.from {
            start = try time(from, now: now, name: "--from")
        } else {
            start = end - 3600 * Timestamp.nanosecondsPerSecond
        }
        guard start < end else { throw DashboardError(field: "--from", message: "the range starts after it ends") }
        let relative = (spec.to ?? "now").hasPrefix("now")
        return DashTimeRange(start: start, end: end, relative: relative)
    }

    static func time(_ text: String, now: Int64, name: String) throws -> Int64 {
        if text == "now" { return now }
        if text.hasPrefix("now-"), let back = DurationText.parse(text.dropFirst(4)) { return now - back }
        if let seconds = Double(text) { return Int64(seconds * 1e9) }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) {
            return Int64(date.timeIntervalSince1970 * 1e9)
        }
        throw DashboardError(field: name, message: "takes now, now-1h, Unix seconds or RFC 3339, got \"\(text)\"")
    }

    /// `last 1h` for the header; fixed ranges show their length.
    var description: String {
        (relative ? "last " : "") + Self.duration(end - start)
    }

    /// `1h`, `15m`, `90s`: the largest unit that divides the span, as people write ranges.
    static func duration(_ nanoseconds: Int64) -> String {
        let seconds = nanoseconds / Timestamp.nanosecondsPerSecond
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60)] as [(String, Int64)]
        where seconds >= size && seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return seconds > 0 ? "\(seconds)s" : DurationText.format(nanoseconds)
    }

    /// `$__rate_interval` for a step: four steps and at least a minute, so that a rate spans enough pushes of
    /// metrics that arrive every 10–30 s (Grafana's reasoning, without knowing the scrape interval).
    static func rateWindow(step: Int64) -> String {
        duration(max(4 * step, 60 * Timestamp.nanosecondsPerSecond))
    }

    /// The step for a chart `dots` wide: the range spread over its dots, in whole seconds, at least one.
    func step(dots: Int) -> Int64 {
        let seconds = max(1, (end - start) / Int64(max(1, dots)) / Timestamp.nanosecondsPerSecond)
        return seconds * Timestamp.nanosecondsPerSecond
    }
}
