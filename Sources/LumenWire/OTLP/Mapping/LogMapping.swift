import LumenModel

/// OTLP log records → model log records.
///
/// Times: a zero `time_unix_nano` takes the observed time; a zero observed time takes `receivedAt`.
/// Severity: when the number is unspecified but the text is a known level name (`WARN`, `error` …), the
/// number is taken from the text, so severity filters work for sources that only send text.
enum LogMapping {
    static func logs(_ request: OTLPLogsRequest, receivedAt: Int64, rejections: inout Rejections) -> [LogRecord] {
        var logs: [LogRecord] = []
        for (r, resourceLogs) in request.resourceLogs.enumerated() {
            let resource = AttributeMapping.resource(resourceLogs.resource)
            for (s, scopeLogs) in resourceLogs.scopeLogs.enumerated() {
                let scope = AttributeMapping.scope(scopeLogs.scope)
                logs.reserveCapacity(logs.count + scopeLogs.logRecords.count)
                for (i, wire) in scopeLogs.logRecords.enumerated() {
                    do {
                        logs.append(try log(wire, resource: resource, scope: scope, receivedAt: receivedAt))
                    } catch {
                        rejections.reject("resourceLogs[\(r)].scopeLogs[\(s)].logRecords[\(i)]: \(error.message)")
                    }
                }
            }
        }
        return logs
    }

    private static func log(
        _ wire: OTelLogRecord, resource: Resource, scope: InstrumentationScope, receivedAt: Int64
    ) throws(IDValidation.Failure) -> LogRecord {
        let traceID = try IDValidation.optionalTraceID(wire.traceID)
        let spanID = try IDValidation.optionalSpanID(wire.spanID)
        var observed = AttributeMapping.nanoseconds(wire.observedTimeUnixNano)
        if observed == 0 { observed = receivedAt }
        var time = AttributeMapping.nanoseconds(wire.timeUnixNano)
        if time == 0 { time = observed }
        var number = UInt8(clamping: wire.severityNumber.rawValue)
        if number == 0, let level = Severity.Level(name: wire.severityText) { number = level.lowestNumber }
        return LogRecord(
            time: time, observedTime: observed, severity: Severity(number: number, text: wire.severityText),
            body: wire.hasBody ? AttributeMapping.value(wire.body) : .string(""),
            attributes: AttributeMapping.attributes(wire.attributes), traceID: traceID, spanID: spanID,
            resource: resource, scope: scope)
    }
}
