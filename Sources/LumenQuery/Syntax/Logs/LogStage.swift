import LumenModel

/// One stage of a log pipeline, applied in order to each record of the selected streams (as in LogQL):
/// `{service="cart"} |= "order" | json | status >= 500`.
public enum LogStage: Equatable, Sendable {
    /// `|= "x"`, `!= "x"`, `|~ "re"`, `!~ "re"` on the body as text.
    case line(LineFilter)
    /// `| json`: the body's JSON object, nested keys flattened with `_` (`{"a":{"b":1}}` gives `a_b`).
    case json
    /// `| logfmt`: the body's `key=value` pairs.
    case logfmt
    /// `| status >= 500 and level = "error"`: a test on extracted fields, attributes or stream labels.
    case fields(FieldFilter)
}

/// A test on a record's fields, combined with `and` (or `,`) and `or`; `and` binds tighter.
public indirect enum FieldFilter: Equatable, Sendable {
    case and(FieldFilter, FieldFilter)
    case or(FieldFilter, FieldFilter)
    case compare(field: String, ComparisonOperator, QueryValue)
}

/// `| unwrap field`: which field's value becomes a sample's value in a metric query over logs or spans.
/// The text is read as a number, else a duration (in seconds), else a byte size; `duration(x)` and
/// `bytes(x)` insist on one reading.
public struct Unwrap: Equatable, Sendable {
    public enum Conversion: String, Equatable, Sendable {
        case auto, duration, bytes
    }

    public var field: String
    public var conversion: Conversion

    public init(_ field: String, conversion: Conversion = .auto) {
        self.field = field
        self.conversion = conversion
    }
}
