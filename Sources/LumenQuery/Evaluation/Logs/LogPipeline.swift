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
    /// ANSI escape sequences as Loki's `| decolorize` removes them (the pattern of the `stripansi` package).
    static let terminalEscapes = try! SubmatchRegex(
        "[\u{1B}\u{9B}][[\\]()#;?]*(?:(?:(?:[a-zA-Z\\d]*(?:;[a-zA-Z\\d]*)*)?\u{07})"
            + "|(?:(?:\\d{1,4}(?:;\\d{0,4})*)?[\\dA-PRZcf-ntqry=><~]))")

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
                compiled.append { entry in
                    let line = entry.record.line
                    let plain = Self.terminalEscapes.replacingMatches(in: line, with: "")
                    if plain.utf8.count != line.utf8.count { entry.record.body = .string(plain) }
                    return true
                }
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

    /// `| json a="b.c"`: each named path's value; "" for a path the line lacks (unless a label has the name).
    private static func extract(_ entry: inout Entry, _ extractions: [JSONExtraction]) -> Bool {
        guard entry.record.body != .string("") else { return true }
        var malformed = false
        for extraction in extractions {
            switch JSONFields.value(at: extraction.path, in: entry.record.body) {
            case .found(let value): entry.set(extraction.name, value)
            case .absent: if entry.value(of: extraction.name) == nil { entry.set(extraction.name, "") }
            case .malformed: malformed = true
            }
        }
        if malformed { entry.set(errorField, jsonError) }
        return true
    }

    /// `| logfmt`, with its flags and extractions.
    private static func extract(_ entry: inout Entry, _ options: LogfmtOptions) -> Bool {
        let parsed = LogfmtFields.parse(entry.record.line, strict: options.strict,
                                        keepEmpty: options.keepEmpty || !options.extractions.isEmpty)
        if options.extractions.isEmpty {
            for field in parsed.fields { entry.set(field.name, field.value) }
        } else {
            for (name, _) in options.extractions where entry.value(of: name) == nil { entry.set(name, "") }
            for field in parsed.fields {
                for (name, key) in options.extractions where key == field.name { entry.set(name, field.value) }
            }
        }
        if options.strict && parsed.malformed { entry.set(errorField, logfmtError) }
        return true
    }

    /// `| unpack`: without an `_entry` member the line is left as it is, as in Loki.
    private static func unpack(_ entry: inout Entry) -> Bool {
        let line = entry.record.line
        guard !line.isEmpty else { return true }
        guard let members = JSONFieldReader.topLevelStrings(line) else {
            entry.set(errorField, jsonError)
            return true
        }
        guard let packed = members.first(where: { $0.key == "_entry" }) else { return true }
        for member in members where member.key != "_entry" { entry.set(LabelName.sanitize(member.key), member.value) }
        entry.record.body = .string(packed.value)
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
