import LumenEngine
import LumenModel

/// A field found in log lines that is not a stream label: parsed from the body (JSON, else logfmt) or a
/// record attribute (Loki's structured metadata), as Loki's `detected_fields` reports it.
public struct DetectedField: Sendable, Equatable {
    public var name: String
    /// `int`, `float`, `boolean`, `duration`, `bytes` or `string`: the narrowest type every value reads as.
    public var type: String
    /// The distinct values seen.
    public var values: Set<String>
    /// `json` or `logfmt` for a parsed field; empty for structured metadata.
    public var parsers: Set<String>
}

extension QueryEngine {
    /// The fields of the newest `lineLimit` lines in `[from, to]` passing the query's pipeline, by name.
    public func detectedFields(
        _ query: LogQuery, tenant: Tenant, from: Int64, to: Int64, lineLimit: Int,
        cancellation: QueryCancellation = QueryCancellation()
    ) throws(QueryError) -> [DetectedField] {
        let lines = try labeledLines(
            query, tenant: tenant, from: from, to: to, limit: lineLimit, forward: false, cancellation: cancellation)
        var fields: [String: DetectedField] = [:]
        func add(_ label: Label, parser: String?) {
            var field = fields[label.name] ?? DetectedField(name: label.name, type: "", values: [], parsers: [])
            field.values.insert(label.value)
            if let parser { field.parsers.insert(parser) }
            fields[label.name] = field
        }
        for line in lines {
            for label in line.metadata { add(label, parser: nil) }
            if let parsed = JSONFields.flatten(.string(line.line)) {
                for label in parsed { add(label, parser: "json") }
            } else if case let parsed = LogfmtFields.parse(line.line, strict: true), !parsed.malformed {
                for label in parsed.fields { add(label, parser: "logfmt") }
            }
        }
        return fields.values.map { field in
            var field = field
            field.type = Self.fieldType(field.values)
            return field
        }.sorted { $0.name < $1.name }
    }

    private static func fieldType(_ values: Set<String>) -> String {
        if values.allSatisfy({ Int64($0) != nil }) { return "int" }
        if values.allSatisfy({ Double($0) != nil }) { return "float" }
        if values.allSatisfy({ $0 == "true" || $0 == "false" }) { return "boolean" }
        if values.allSatisfy({ DurationText.parse($0) != nil }) { return "duration" }
        if values.allSatisfy({ ByteSize.parse($0) != nil }) { return "bytes" }
        return "string"
    }
}
