import LumenModel

/// A log or span query over a range, the argument of a metric function in the native language:
/// `count_over_time({service="cart"} |= "error" [1m])`, `rate({kind=server}[1m])`,
/// `quantile_over_time(0.95, {kind=server} | unwrap duration [5m]) by (service)`.
///
/// Each matching line or span is a sample at its time: its unwrapped value, else its size in bytes (lines) or
/// 1 (spans). A line's series is its stream labels plus the fields its parsers extracted (the unwrapped one
/// left out); a span's series is `service` and `name`, plus any field a `by (…)` on the function names.
public struct TelemetryRange: Equatable, Sendable {
    public enum Source: Equatable, Sendable {
        case logs(LogQuery)
        case spans(SpanQuery)
    }

    public var source: Source
    public var range: Int64
    public var modifiers: TimeModifiers
    /// `by (…)` / `without (…)` after the function's arguments: series are merged on these labels before the
    /// function reads them.
    public var grouping: Aggregation.Grouping?

    public init(source: Source, range: Int64, modifiers: TimeModifiers = TimeModifiers(),
        grouping: Aggregation.Grouping? = nil)
    {
        self.source = source
        self.range = range
        self.modifiers = modifiers
        self.grouping = grouping
    }

    var unwrap: Unwrap? {
        switch source {
        case .logs(let logs): logs.unwrap
        case .spans(let spans): spans.unwrap
        }
    }

    /// The functions that read a log or span range. `bytes_*` are LogQL's and exist only for log ranges.
    static let functions: Set<String> = [
        "rate", "count_over_time", "bytes_over_time", "bytes_rate", "sum_over_time", "avg_over_time",
        "min_over_time", "max_over_time", "quantile_over_time", "stddev_over_time", "stdvar_over_time",
        "first_over_time", "last_over_time", "absent_over_time",
    ]

    /// The signature of functions only log ranges have.
    static func signature(_ name: String) -> PromQLFunctions.Signature? {
        name == "bytes_over_time" || name == "bytes_rate"
            ? PromQLFunctions.Signature(arguments: [.matrix], optional: 0, variadic: false, result: .vector) : nil
    }

    /// Which function may read which range, said before anything runs.
    func check(_ function: String, at position: SourcePosition) throws(QueryError) {
        guard Self.functions.contains(function) else {
            throw QueryError("\(function) does not read a log or span range; use one of "
                + Self.functions.sorted().joined(separator: ", "), at: position)
        }
        let isBytes = function.hasPrefix("bytes_")
        if isBytes, case .spans = source {
            throw QueryError("\(function) reads log lines; spans have no size", at: position)
        }
        if isBytes, let unwrap {
            throw QueryError("\(function) counts line sizes and takes no | unwrap \(unwrap.field)", at: position)
        }
        if unwrap == nil, function != "rate", function != "count_over_time", function != "absent_over_time", !isBytes {
            throw QueryError("\(function) needs values: add | unwrap <field> before the range", at: position)
        }
    }
}

extension Expr {
    var isTelemetryRange: Bool {
        if case .telemetryRange = unwrapped { return true }
        return false
    }
}
