import LumenModel

/// The `<PRI>` of a syslog message: facility × 8 + severity (RFC 5424 §6.2.1), and their names.
struct SyslogPriority {
    let facility: Int
    let severity: Int

    init?(_ value: Int) {
        guard (0...191).contains(value) else { return nil }
        facility = value >> 3
        severity = value & 7
    }

    static let facilityNames = [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
        "ntp", "audit", "alert", "clock", "local0", "local1", "local2", "local3", "local4", "local5", "local6",
        "local7",
    ]
    static let severityNames = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]
    /// OpenTelemetry severity numbers of syslog severities 0–7 (emerg/alert/crit are all fatal).
    static let severityNumbers: [UInt8] = [21, 21, 21, 17, 13, 10, 9, 5]

    var facilityName: String { Self.facilityNames[facility] }
    var otelSeverity: Severity { Severity(number: Self.severityNumbers[severity], text: Self.severityNames[severity]) }
}
