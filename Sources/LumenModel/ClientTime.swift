/// Times and durations a client gives (query parameters, `offset`, `@`, ranges), turned into nanoseconds
/// without trapping.
///
/// Swift traps on integer overflow, so every client number becomes nanoseconds here, inside bounds chosen so
/// that the engine's own arithmetic never overflows: an instant moved by three durations (an `@` time less
/// an offset, a range and the lookback), and the length of a window plus three durations, all stay inside
/// `Int64`. Anything outside is `nil`, for the caller to refuse with an error naming what was given.
public enum ClientTime {
    /// Instants from 1933-06-21 to 2116-02-20: wide enough for Grafana's data-source probe at
    /// `time=4000000000` (2096), narrow enough that `end - start` plus three durations fits `Int64`.
    public static let instants: ClosedRange<Int64> = -(1 << 60) ... (1 << 62)

    /// The longest duration of either sign: 2^59 ns, about 18 years.
    public static let longestDuration: Int64 = 1 << 59

    /// Unix seconds (with a fraction) → nanoseconds; `nil` when not finite or outside `instants`.
    public static func instant(seconds: Double) -> Int64? {
        guard let nanoseconds = nanoseconds(seconds: seconds), instants.contains(nanoseconds) else { return nil }
        return nanoseconds
    }

    /// Nanoseconds since the epoch, checked against `instants`.
    public static func instant(nanoseconds: Int64) -> Int64? {
        instants.contains(nanoseconds) ? nanoseconds : nil
    }

    /// Seconds (with a fraction, of either sign) → nanoseconds; `nil` when not finite or longer than
    /// `longestDuration`.
    public static func duration(seconds: Double) -> Int64? {
        guard let nanoseconds = nanoseconds(seconds: seconds) else { return nil }
        return duration(nanoseconds: nanoseconds)
    }

    /// Nanoseconds of either sign, checked against `longestDuration`.
    public static func duration(nanoseconds: Int64) -> Int64? {
        nanoseconds.magnitude <= longestDuration.magnitude ? nanoseconds : nil
    }

    /// What the bounds are, for error messages.
    public static let instantsText = "between 1933 and 2116"
    public static let durationsText = "at most 18 years (\(longestDuration / 1_000_000_000)s)"

    private static func nanoseconds(seconds: Double) -> Int64? {
        Int64(exactly: (seconds * 1e9).rounded())
    }
}
