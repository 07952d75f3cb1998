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
    /// `| pattern "<ip> - <_> [<time>] <rest>"`: fields captured around literal text.
    case pattern(LinePattern)
    /// `| line_format "{{.status}} {{.path}}"`: the line rewritten from a template.
    case lineFormat(LineTemplate)
    /// `| label_format dst=src, msg="{{.a}}-{{.b}}"`: labels renamed or set from templates.
    case labelFormat([LabelFormat])
    /// `| drop a, b="x", __error__`: labels removed (those with a matcher only where it matches).
    case drop([LabelSelection])
    /// `| keep a, b="x"`: every label but these removed.
    case keep([LabelSelection])
}

/// A label named by `| drop` or `| keep`, with the matcher its value must pass (any value when `nil`).
public struct LabelSelection: Equatable, Sendable {
    public var name: String
    public var matcher: LabelMatcher?

    public init(_ name: String, matcher: LabelMatcher? = nil) {
        self.name = name
        self.matcher = matcher
    }
}

/// One assignment of `| label_format`: `dst=src` renames a label, `dst="template"` sets one.
public enum LabelFormat: Equatable, Sendable {
    case rename(to: String, from: String)
    case template(to: String, LineTemplate)
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
