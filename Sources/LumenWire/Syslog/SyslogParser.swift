import LumenModel

/// Parses one syslog message — RFC 5424 or RFC 3164 (BSD), told apart by the version `1` after `<PRI>` —
/// into a log record. Pure and thread-safe. See docs/collectors.md for the mapping:
///
/// - severity 0–7 → OpenTelemetry severity (emerg/alert/crit → 21 fatal, err → 17, warning → 13,
///   notice → 10, info → 9, debug → 5), text the syslog name; facility → `syslog.facility` (its name);
/// - APP-NAME (RFC 3164: the tag) → `service.name`; HOSTNAME → `host.name`;
/// - PROCID → `process.pid` when numeric, `syslog.procid` otherwise; MSGID → `syslog.msgid`;
/// - structured data → attributes `<SD-ID>.<PARAM-NAME>` (`timeQuality.tzKnown`);
/// - MSG → the body, UTF-8 BOM stripped, invalid UTF-8 replaced, trailing newlines removed.
///
/// Times: RFC 5424 timestamps carry their offset; RFC 3164 ones have neither year nor zone and are read as
/// UTC in the year of `receivedAt` (the previous year if that would put them more than a day in the
/// future). A missing timestamp (`-`, or none in RFC 3164) takes `receivedAt`.
public enum SyslogParser {
    public static func parse(_ message: [UInt8], receivedAt: Int64, tenant: Tenant) throws(WireError) -> LogRecord {
        var cursor = SyslogCursor(message)
        let priority = try cursor.priority()
        let parsed: SyslogFields
        if cursor.peek(0) == UInt8(ascii: "1"), cursor.peek(1) == UInt8(ascii: " ") {
            cursor.advance(2)
            parsed = try RFC5424.parse(&cursor, receivedAt: receivedAt)
        } else {
            parsed = RFC3164.parse(&cursor, receivedAt: receivedAt)
        }
        return record(parsed, priority: priority, receivedAt: receivedAt)
    }

    private static func record(_ fields: SyslogFields, priority: SyslogPriority, receivedAt: Int64) -> LogRecord {
        var resource: [Attribute] = []
        if let app = fields.appName { resource.append(Attribute(Resource.serviceNameKey, .string(app))) }
        if let host = fields.hostname { resource.append(Attribute("host.name", .string(host))) }
        var attributes = [Attribute("syslog.facility", .string(priority.facilityName))]
        if let procID = fields.procID {
            if let pid = Int64(procID) {
                attributes.append(Attribute("process.pid", .int(pid)))
            } else {
                attributes.append(Attribute("syslog.procid", .string(procID)))
            }
        }
        if let msgID = fields.msgID { attributes.append(Attribute("syslog.msgid", .string(msgID))) }
        for attribute in fields.structuredData where attributes[attribute.key] == nil {
            attributes.append(attribute)
        }
        return LogRecord(
            time: fields.time ?? receivedAt, observedTime: receivedAt, severity: priority.otelSeverity,
            body: .string(fields.message), attributes: attributes, resource: Resource(attributes: resource))
    }
}

/// What the two header formats have in common.
struct SyslogFields {
    var time: Int64?
    var hostname: String?
    var appName: String?
    var procID: String?
    var msgID: String?
    var structuredData: [Attribute] = []
    var message = ""
}
