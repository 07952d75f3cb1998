import LumenModel

/// A log pipeline compiled once (regexes built, comparisons prepared) and run on every record of the
/// selected streams.
///
/// Parsers add fields; a parser that fails on a line sets `__error__` (`JSONParserErr`, `LogfmtParserErr`), as
/// Loki does, and keeps the line, so `| __error__ = ""` drops such lines on purpose rather than by accident.
/// A field is looked up among the parsed fields, then the record's attributes (by key, or by key with `.`
/// turned into `_`), then the stream labels.
struct LogPipeline: Sendable {
    static let errorField = "__error__"

    /// A record after the pipeline, with the fields its parsers extracted (in extraction order, names unique).
    struct Entry: Sendable {
        var record: LogRecord
        var extracted: [Label] = []

        func value(of field: String) -> String? {
            if let parsed = extracted.last(where: { $0.name == field }) { return parsed.value }
            if let attribute = record.attributes[field] { return attribute.text }
            if let attribute = record.attributes.first(where: { LabelName.sanitize($0.key) == field }) {
                return attribute.value.text
            }
            if field == "severity" || field == "level" { return record.severity.level.name }
            return record.resource.labels.first { $0.name == field }?.value
        }

        mutating func set(_ name: String, _ value: String) {
            extracted.removeAll { $0.name == name }
            extracted.append(Label(name, value))
        }

        /// The record with its extracted fields as attributes, so a plain log query shows what was parsed.
        var recordWithFields: LogRecord {
            guard !extracted.isEmpty else { return record }
            var result = record
            let names = Set(extracted.map(\.name))
            result.attributes = result.attributes.filter { !names.contains($0.key) }
                + extracted.map { Attribute($0.name, .string($0.value)) }
            return result
        }
    }

    private let stages: [@Sendable (inout Entry) -> Bool]
    /// Whether any stage parses the body: records then carry extracted fields.
    let extracts: Bool

    init(_ stages: [LogStage]) throws(QueryError) {
        var compiled: [@Sendable (inout Entry) -> Bool] = []
        for stage in stages {
            switch stage {
            case .line(let filter):
                compiled.append { filter.matches($0.record.line) }
            case .json:
                compiled.append { entry in
                    Self.extract(&entry, JSONFields.flatten(entry.record.body), error: "JSONParserErr")
                }
            case .logfmt:
                compiled.append { entry in
                    Self.extract(&entry, LogfmtFields.parse(entry.record.line), error: "LogfmtParserErr")
                }
            case .fields(let filter):
                let test = try Self.compile(filter)
                compiled.append { test($0) }
            }
        }
        self.stages = compiled
        extracts = stages.contains { $0 == .json || $0 == .logfmt }
    }

    /// The record after every stage, or `nil` when a filter drops it.
    func run(_ record: LogRecord) -> Entry? {
        var entry = Entry(record: record)
        for stage in stages where !stage(&entry) { return nil }
        return entry
    }

    private static func extract(_ entry: inout Entry, _ fields: [Label]?, error: String) -> Bool {
        guard let fields else {
            entry.set(errorField, error)
            return true
        }
        for field in fields { entry.set(field.name, field.value) }
        return true
    }

    private static func compile(_ filter: FieldFilter) throws(QueryError) -> @Sendable (Entry) -> Bool {
        switch filter {
        case .and(let lhs, let rhs):
            let (left, right) = (try compile(lhs), try compile(rhs))
            return { left($0) && right($0) }
        case .or(let lhs, let rhs):
            let (left, right) = (try compile(lhs), try compile(rhs))
            return { left($0) || right($0) }
        case .compare(let field, let op, let value):
            if let ordered = severityOrder(field, op, value) { return ordered }
            let comparison = try Comparison(op, value)
            return { comparison.field($0.value(of: field)) }
        }
    }

    /// `severity >= "warn"` (or `level`) compares levels in order, trace < debug < info < warn < error < fatal,
    /// reading the field as a level name (`WARNING`, `err` … as `Severity.Level(name:)` takes them); a field that
    /// names no level fails the test. `nil` for any other comparison.
    private static func severityOrder(_ field: String, _ op: ComparisonOperator, _ value: QueryValue)
        -> (@Sendable (Entry) -> Bool)?
    {
        guard field == "severity" || field == "level", case .string(let name) = value,
            let level = Severity.Level(name: name)
        else { return nil }
        let holds: @Sendable (Severity.Level) -> Bool
        switch op {
        case .greater: holds = { $0 > level }
        case .greaterOrEqual: holds = { $0 >= level }
        case .less: holds = { $0 < level }
        case .lessOrEqual: holds = { $0 <= level }
        default: return nil
        }
        return { entry in entry.value(of: field).flatMap(Severity.Level.init(name:)).map(holds) ?? false }
    }
}
