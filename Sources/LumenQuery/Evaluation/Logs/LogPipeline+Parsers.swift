import LumenModel

/// The stages that read a line's text into fields or rewrite it: `| json a="b.c"`, `| logfmt` with its flags,
/// `| unpack` and `| decolorize` (the plain `| json` and `| pattern` are in `LogPipeline.init`).
extension LogPipeline {
    /// ANSI escape sequences as Loki's `| decolorize` removes them (the pattern of the `stripansi` package).
    static let terminalEscapes = try! SubmatchRegex(
        "[\u{1B}\u{9B}][[\\]()#;?]*(?:(?:(?:[a-zA-Z\\d]*(?:;[a-zA-Z\\d]*)*)?\u{07})"
            + "|(?:(?:\\d{1,4}(?:;\\d{0,4})*)?[\\dA-PRZcf-ntqry=><~]))")

    /// `| json a="b.c"`: each named path's value; "" for a path the line lacks (unless a label has the name).
    static func extract(_ entry: inout Entry, _ extractions: [JSONExtraction]) -> Bool {
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
    static func extract(_ entry: inout Entry, _ options: LogfmtOptions) -> Bool {
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
    static func unpack(_ entry: inout Entry) -> Bool {
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

    /// `| decolorize`: the line without ANSI escape sequences.
    static func decolorize(_ entry: inout Entry) -> Bool {
        let line = entry.record.line
        let plain = terminalEscapes.replacingMatches(in: line, with: "")
        if plain.utf8.count != line.utf8.count { entry.record.body = .string(plain) }
        return true
    }
}
