import LumenModel

/// Jaeger's times: instants in microseconds (`start`, `end`) or milliseconds (`endTs`) since the epoch,
/// durations in milliseconds (`lookback` of dependencies) or as text (`minDuration=1.2s`, `lookback=1h`).
/// Every number is checked against `ClientTime`'s bounds; a bad one is a 400 naming it.
enum JaegerTime {
    static func microseconds(_ text: String?, name: String) throws(APIError) -> Int64? {
        try instant(text, name: name, unit: 1_000, unitName: "microseconds")
    }

    static func milliseconds(_ text: String?, name: String) throws(APIError) -> Int64? {
        try instant(text, name: name, unit: 1_000_000, unitName: "milliseconds")
    }

    /// Whole milliseconds → nanoseconds.
    static func durationMilliseconds(_ text: String?, name: String) throws(APIError) -> Int64? {
        guard let text else { return nil }
        guard let value = Int64(text), value >= 0, value <= ClientTime.longestDuration / 1_000_000 else {
            throw APIError(.badRequest, "invalid \(name) \"\(text.prefix(64))\": use whole milliseconds, "
                + ClientTime.durationsText)
        }
        return value * 1_000_000
    }

    /// `1.2s`, `100ms`, `1h` → nanoseconds.
    static func duration(_ text: String?, name: String) throws(APIError) -> Int64? {
        guard let text, !text.isEmpty else { return nil }
        guard let parsed = DurationText.parse(text), let nanoseconds = ClientTime.duration(nanoseconds: parsed) else {
            throw APIError(.badRequest, "invalid \(name) \"\(text.prefix(64))\": use a duration like 100ms or 1.5s")
        }
        return nanoseconds
    }

    private static func instant(_ text: String?, name: String, unit: Int64, unitName: String) throws(APIError)
        -> Int64?
    {
        guard let text, !text.isEmpty else { return nil }
        let (product, overflow) = (Int64(text) ?? .max).multipliedReportingOverflow(by: unit)
        guard Int64(text) != nil, !overflow, let nanoseconds = ClientTime.instant(nanoseconds: product) else {
            throw APIError(.badRequest, "invalid \(name) \"\(text.prefix(64))\": use \(unitName) since the epoch, "
                + ClientTime.instantsText)
        }
        return nanoseconds
    }
}
