import LumenModel

/// Query parameters as Tempo's HTTP API takes them: `start`/`end` in whole Unix seconds (both or neither; end
/// after start), `limit` and `spss` as positive counts. Every number is checked; a bad one is a 400 naming it.
enum TempoParameters {
    /// The window `[start, end]` in nanoseconds, the end's whole second included; without both, the hour
    /// before `now` (Tempo's "recent data"), stretched a little past `now` for spans of clocks ahead of ours.
    static func window(_ parameters: FormParameters, now: Int64 = Timestamp.now()) throws(APIError) -> (Int64, Int64) {
        let start = try seconds(parameters["start"], name: "start")
        let end = try seconds(parameters["end"], name: "end")
        guard let start, let end, start != 0 || end != 0 else {
            let second = Timestamp.nanosecondsPerSecond
            return (now - 3600 * second, now + 600 * second)
        }
        guard end > start else {
            throw APIError(.badRequest,
                "http parameter start must be before end. received start=\(start / 1_000_000_000) end=\(end / 1_000_000_000)")
        }
        return (start, end + Timestamp.nanosecondsPerSecond - 1)
    }

    /// Whole Unix seconds → nanoseconds; `nil` when absent.
    static func seconds(_ text: String?, name: String) throws(APIError) -> Int64? {
        guard let text else { return nil }
        guard let seconds = Int64(text), let nanoseconds = ClientTime.instant(seconds: Double(seconds)) else {
            throw APIError(.badRequest,
                "invalid \(name) \"\(text.prefix(64))\": use whole Unix seconds \(ClientTime.instantsText)")
        }
        return nanoseconds
    }

    /// A positive count, at most `maximum`; `fallback` when absent. `zeroMeans`, when given, is what 0 asks for.
    static func count(
        _ parameters: FormParameters, _ name: String, fallback: Int, maximum: Int, zeroMeans: Int? = nil
    ) throws(APIError) -> Int {
        guard let text = parameters[name] else { return fallback }
        guard let value = UInt32(text), value > 0 || zeroMeans != nil else {
            throw APIError(.badRequest, "invalid \(name) \"\(text.prefix(64))\": use a positive whole number")
        }
        return value == 0 ? zeroMeans! : min(Int(value), maximum)
    }
}
