import LumenModel

/// One stage of a log pipeline, applied in order to each record of the selected streams (as in LogQL):
/// `{service="cart"} |= "order" | json | status >= 500`.
public enum LogStage: Equatable, Sendable {
    /// `|= "x"`, `!= "x"`, `|~ "re"`, `!~ "re"` on the body as text.
    case line(LineFilter)
    /// `| json`: the body's JSON object, nested keys flattened with `_` (`{"a":{"b":1}}` gives `a_b`).
    case json
    /// `| json status="response.status", first="items[0]"`: only these values, each named (Loki's JSON
    /// expression parser).
    case jsonPaths([JSONExtraction])
    /// `| logfmt`: the body's `key=value` pairs; `| logfmt --strict --keep-empty host, code="status"`.
    case logfmt(LogfmtOptions)
    /// `| regexp "(?P<method>\\w+) (?P<path>\\S+)"`: the named groups of the line's first match.
    case regexp(LineRegexp)
    /// `| unpack`: a line packed by Promtail's `pack` stage — its top-level string members become fields and
    /// its `_entry` the line.
    case unpack
    /// `| decolorize`: ANSI colour (and other terminal) escape sequences removed from the line.
    case decolorize
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

/// `name="path"` of `| json`: the value at a JSON path as a field (`| json status` reads the path `status`).
public struct JSONExtraction: Equatable, Sendable {
    public var name: String
    public var path: JSONPath

    public init(_ name: String, _ path: JSONPath) {
        self.name = name
        self.path = path
    }
}

/// How `| logfmt` reads a line. `strict`: a malformed pair ends the read and sets `__error__`, where by default
/// it is skipped. `keepEmpty`: `key=` and a bare `key` give "" rather than nothing. `extractions`, when any:
/// only these keys, as (field name, key) — `| logfmt host, code="status"` — each field "" when its key is absent.
public struct LogfmtOptions: Equatable, Sendable {
    public var strict = false
    public var keepEmpty = false
    public var extractions: [(name: String, key: String)] = []

    public init() {}

    public static func == (lhs: LogfmtOptions, rhs: LogfmtOptions) -> Bool {
        lhs.strict == rhs.strict && lhs.keepEmpty == rhs.keepEmpty
            && lhs.extractions.elementsEqual(rhs.extractions) { $0 == $1 }
    }
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
