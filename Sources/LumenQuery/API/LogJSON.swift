import LumenModel

/// A log record in the native JSON API.
public struct LogJSON: Codable, Sendable, Equatable {
    public var timeUnixNano: Int64
    public var observedTimeUnixNano: Int64
    public var service: String
    public var severityNumber: Int
    public var severityText: String?
    public var level: String
    public var body: JSONValue
    public var attributes: [String: JSONValue]?
    public var traceId: String?
    public var spanId: String?
    public var resource: [String: JSONValue]

    public init(_ record: LogRecord) {
        timeUnixNano = record.time
        observedTimeUnixNano = record.observedTime
        service = record.serviceName
        severityNumber = Int(record.severity.number)
        severityText = record.severity.text.isEmpty ? nil : record.severity.text
        level = record.severity.level.name
        body = JSONValue(record.body)
        attributes = record.attributes.isEmpty ? nil : JSONValue.object(record.attributes)
        traceId = record.traceID?.hex
        spanId = record.spanID?.hex
        resource = JSONValue.object(record.resource.attributes)
    }

    public var record: LogRecord {
        LogRecord(
            time: timeUnixNano, observedTime: observedTimeUnixNano,
            severity: Severity(number: UInt8(clamping: severityNumber), text: severityText ?? ""),
            body: body.attributeValue, attributes: JSONValue.attributes(attributes),
            traceID: traceId.flatMap { TraceID(hex: $0) }, spanID: spanId.flatMap { SpanID(hex: $0) },
            resource: Resource(attributes: JSONValue.attributes(resource)))
    }
}
