import LumenModel

/// Loki streams and entries → log records (see docs/collectors.md):
///
/// - stream labels become resource attributes; the first of `service_name`, `service`, `app`, `job` names the
///   service (`service.name`; `app` and `job` are kept as attributes too, `service_name`/`service` are not,
///   since `service.name` already reads back as the `service` label);
/// - a `level`, `severity` or `detected_level` label or metadata entry becomes the severity (metadata wins);
/// - structured metadata becomes record attributes, except `trace_id`/`traceID`/`traceId` and
///   `span_id`/`spanID`/`spanId`, which become the record's IDs when they are valid hex.
struct LokiStreamMapping {
    static let serviceKeys = ["service_name", "service", "app", "job"]
    static let consumedServiceKeys: Set<String> = ["service_name", "service"]
    static let severityKeys: Set<String> = ["level", "severity", "detected_level"]
    static let traceIDKeys: Set<String> = ["trace_id", "traceID", "traceId"]
    static let spanIDKeys: Set<String> = ["span_id", "spanID", "spanId"]

    let resource: Resource
    let severity: Severity

    init(labels: [(name: String, value: String)]) {
        var attributes: [Attribute] = []
        var severity = Severity()
        let service = Self.serviceKeys.lazy.compactMap { key in labels.first { $0.name == key && !$0.value.isEmpty } }
            .first
        if let service { attributes.append(Attribute(Resource.serviceNameKey, .string(service.value))) }
        for (name, value) in labels where !value.isEmpty {
            if Self.severityKeys.contains(name) {
                severity = Self.severity(value)
            } else if !Self.consumedServiceKeys.contains(name) {
                attributes.append(Attribute(name, .string(value)))
            }
        }
        self.resource = Resource(attributes: attributes)
        self.severity = severity
    }

    /// A level name as Loki senders write it (`warn`, `ERROR`, `Information` …); unknown names keep their
    /// text with an unspecified number.
    static func severity(_ text: String) -> Severity {
        Severity(number: Severity.Level(name: text)?.lowestNumber ?? 0, text: text)
    }

    func record(
        time: Int64, line: String, metadata: [(name: String, value: String)], receivedAt: Int64
    ) -> LogRecord {
        var severity = self.severity
        var traceID: TraceID?
        var spanID: SpanID?
        var attributes: [Attribute] = []
        for (name, value) in metadata {
            if Self.severityKeys.contains(name) {
                severity = Self.severity(value)
            } else if Self.traceIDKeys.contains(name), traceID == nil, let id = HexID.traceID(value) {
                traceID = id
            } else if Self.spanIDKeys.contains(name), spanID == nil, let id = HexID.spanID(value) {
                spanID = id
            } else if attributes[name] == nil {
                attributes.append(Attribute(name, .string(value)))
            }
        }
        return LogRecord(
            time: time, observedTime: receivedAt, severity: severity, body: .string(line), attributes: attributes,
            traceID: traceID, spanID: spanID, resource: resource)
    }
}
