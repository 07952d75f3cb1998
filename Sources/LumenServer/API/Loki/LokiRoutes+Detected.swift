import LumenModel
import LumenQuery

/// `detected_labels`, `detected_fields` and `detected_field/<name>/values`: what Grafana's Logs Drilldown and
/// Explore read to offer filters, each over the lines the `query` selects in `[start, end]`.
extension LokiRoutes {
    /// `{"detectedLabels":[{"label":…,"cardinality":…}]}`: the selected streams' labels and their value counts.
    func detectedLabels(_ parameters: LokiParameters, tenant: Tenant) throws -> JSONWriter {
        let matchers = try parameters["query"].map { try Self.logQuery($0).matchers } ?? Self.everyStream
        var values: [String: Set<String>] = [:]
        for labels in try streamLabels([matchers], parameters, tenant: tenant) {
            for label in labels { values[label.name, default: []].insert(label.value) }
        }
        var writer = JSONWriter()
        writer.raw("{\"detectedLabels\":")
        writer.array(values.sorted { $0.key < $1.key }) { writer, entry in
            writer.object([("label", .string(entry.key)), ("cardinality", .integer(Int64(entry.value.count)))])
        }
        writer.byte("}")
        return writer
    }

    /// `{"fields":[{"label","type","cardinality","parsers"}],"limit":…}` from the newest `line_limit` lines
    /// (default 1000); `parsers` is null for structured metadata.
    func detectedFields(
        _ parameters: LokiParameters, tenant: Tenant, cancellation: QueryCancellation
    ) throws -> JSONWriter {
        let (fields, limit) = try detected(parameters, tenant: tenant, cancellation: cancellation)
        let fieldLimit = try Self.count(parameters, "field_limit") ?? 1000
        var writer = JSONWriter()
        writer.raw("{\"fields\":")
        writer.array(fields.prefix(fieldLimit)) { writer, field in
            writer.raw("{\"label\":")
            writer.string(field.name)
            writer.raw(",\"type\":")
            writer.string(field.type)
            writer.raw(",\"cardinality\":")
            writer.integer(Int64(field.values.count))
            writer.raw(",\"parsers\":")
            if field.parsers.isEmpty {
                writer.raw("null")
            } else {
                writer.array(field.parsers.sorted()) { writer, parser in writer.string(parser) }
            }
            writer.byte("}")
        }
        writer.raw(",\"limit\":")
        writer.integer(Int64(limit))
        writer.byte("}")
        return writer
    }

    /// `{"values":[…],"limit":…}`: one detected field's distinct values.
    func detectedFieldValues(
        _ name: String, _ parameters: LokiParameters, tenant: Tenant, cancellation: QueryCancellation
    ) throws -> JSONWriter {
        let (fields, limit) = try detected(parameters, tenant: tenant, cancellation: cancellation)
        let values = fields.first { $0.name == name }?.values.sorted() ?? []
        var writer = JSONWriter()
        writer.raw("{\"values\":")
        writer.array(values.prefix(limit)) { writer, value in writer.string(value) }
        writer.raw(",\"limit\":")
        writer.integer(Int64(limit))
        writer.byte("}")
        return writer
    }

    private func detected(
        _ parameters: LokiParameters, tenant: Tenant, cancellation: QueryCancellation
    ) throws -> ([DetectedField], Int) {
        let query = try Self.logQuery(try parameters.query())
        let (start, end) = try parameters.range()
        let given = try Self.count(parameters, "line_limit") ?? Self.count(parameters, "limit")
        let lineLimit = min(given ?? 1000, maxLimit)
        let fields = try engine.detectedFields(
            query, tenant: tenant, from: start, to: end, lineLimit: lineLimit, cancellation: cancellation)
        return (fields, lineLimit)
    }

    /// A positive whole-number parameter, or nil when absent.
    static func count(_ parameters: LokiParameters, _ name: String) throws -> Int? {
        guard let text = parameters[name] else { return nil }
        guard let value = Int(text), value > 0 else {
            throw APIError(.badRequest, "invalid \(name) \"\(text.prefix(32))\": must be a positive whole number")
        }
        return value
    }
}
