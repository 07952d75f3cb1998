import LumenModel

/// A log pipeline compiled once (regexes built, comparisons prepared) and run on every record of the
/// selected streams.
///
/// Parsers add fields; a parser that fails on a line sets `__error__` (`JSONParserErr`, `LogfmtParserErr` with
/// `--strict`), as Loki does, and keeps the line, so `| __error__ = ""` drops such lines on purpose rather than by
/// accident.
/// A field is looked up among the parsed fields, then the record's attributes (by key, or by key with `.`
/// turned into `_`), then the stream labels.
struct LogPipeline: Sendable {
    static let errorField = "__error__"
    static let jsonError = "JSONParserErr"
    static let logfmtError = "LogfmtParserErr"

    /// A record after the pipeline, with the fields its parsers extracted (in extraction order, names unique).
    struct Entry: Sendable {
        var record: LogRecord
        var extracted: [Label] = []
        /// Stream labels and attributes `| drop` removed; extracted fields are removed outright.
        var hidden: Set<String> = []
        /// After `| keep`: the only names left.
        var kept: Set<String>?
        /// Names `| label_format` set: the extracted value replaces a stream label of that name.
        var replaced: Set<String> = []

        func isVisible(_ name: String) -> Bool { !hidden.contains(name) && kept.map { $0.contains(name) } ?? true }

        func value(of field: String) -> String? {
            if let parsed = extracted.last(where: { $0.name == field }) { return parsed.value }
            guard isVisible(field) else { return nil }
            if let attribute = record.attributes[field] { return attribute.text }
            if let attribute = record.attributes.first(where: { LabelName.sanitize($0.key) == field }) {
                return attribute.value.text
            }
            if field == "severity" || Parser.severityAliases.contains(field) {
                return StreamLabels.levelName(record.severity.level, loki: field != "severity")
            }
            return record.resource.labels.first { $0.name == field }?.value
        }

        mutating func set(_ name: String, _ value: String) {
            extracted.removeAll { $0.name == name }
            extracted.append(Label(name, value))
            hidden.remove(name)
        }

        /// Removes a label wherever it comes from.
        mutating func remove(_ name: String) {
            extracted.removeAll { $0.name == name }
            hidden.insert(name)
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
    /// Whether `| line_format` rewrites lines: the records read are then not those answered.
    let rewritesLines: Bool

    init(_ stages: [LogStage]) throws(QueryError) {
        var compiled: [@Sendable (inout Entry) -> Bool] = []
        for stage in stages {
            switch stage {
            case .line(let filter):
                compiled.append { filter.matches($0.record.line) }
            case .json:
                compiled.append { entry in
                    Self.extract(&entry, JSONFields.flatten(entry.record.body), error: Self.jsonError)
                }
            case .jsonPaths(let extractions):
                compiled.append { Self.extract(&$0, extractions) }
            case .logfmt(let options):
                compiled.append { Self.extract(&$0, options) }
            case .regexp(let regexp):
                compiled.append { entry in
                    for field in regexp.fields(entry.record.line) { entry.set(field.name, field.value) }
                    return true
                }
            case .unpack:
                compiled.append { Self.unpack(&$0) }
            case .decolorize:
                compiled.append { Self.decolorize(&$0) }
            case .fields(let filter):
                let test = try Self.compile(filter)
                compiled.append { test($0) }
            case .pattern(let pattern):
                compiled.append { entry in
                    for field in pattern.fields(entry.record.line) ?? [] { entry.set(field.name, field.value) }
                    return true
                }
            case .lineFormat(let template):
                compiled.append { entry in
                    let current = entry
                    entry.record.body = .string(
                        template.render(line: current.record.line, time: current.record.time, value: current.value(of:)))
                    return true
                }
            case .labelFormat(let formats):
                compiled.append { Self.format(&$0, formats) }
            case .drop(let selections):
                compiled.append { entry in
                    for selection in selections where Self.selects(selection, entry) { entry.remove(selection.name) }
                    return true
                }
            case .keep(let selections):
                compiled.append { entry in
                    let kept = Set(selections.filter { Self.selects($0, entry) }.map(\.name))
                    entry.extracted.removeAll { !kept.contains($0.name) }
                    entry.kept = entry.kept.map { $0.intersection(kept) } ?? kept
                    return true
                }
            }
        }
        self.stages = compiled
        extracts = stages.contains { stage in
            switch stage {
            case .json, .jsonPaths, .logfmt, .regexp, .unpack, .pattern, .labelFormat: true
            default: false
            }
        }
        rewritesLines = stages.contains { stage in
            switch stage {
            case .lineFormat, .unpack, .decolorize: true
            default: false
            }
        }
    }

    /// The record after every stage, or `nil` when a filter drops it.
    func run(_ record: LogRecord) -> Entry? {
        var entry = Entry(record: record)
        for stage in stages where !stage(&entry) { return nil }
        return entry
    }

    /// Whether `| drop`/`| keep` names this entry's label: always without a matcher, else where its value passes.
    private static func selects(_ selection: LabelSelection, _ entry: Entry) -> Bool {
        guard let matcher = selection.matcher else { return true }
        return entry.value(of: selection.name).map(matcher.matches) ?? false
    }

    /// `| label_format`: every template reads the labels as they were before the stage, as in Loki.
    private static func format(_ entry: inout Entry, _ formats: [LabelFormat]) -> Bool {
        let before = entry
        for format in formats {
            switch format {
            case .rename(let target, let source):
                guard let value = before.value(of: source) else { continue }
                entry.remove(source)
                entry.set(target, value)
                entry.replaced.insert(target)
            case .template(let target, let template):
                entry.set(target, template.render(line: before.record.line, time: before.record.time, value: before.value(of:)))
                entry.replaced.insert(target)
            }
        }
        return true
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
