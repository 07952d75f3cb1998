import LumenModel
import LumenWire
import Testing

struct SyslogParserTests {
    /// 2026-11-21T12:00:00Z.
    private static let receivedAt: Int64 = 1_795_262_400_000_000_000

    private func parse(_ text: String, receivedAt: Int64 = receivedAt) throws(WireError) -> LogRecord {
        try SyslogParser.parse(Array(text.utf8), receivedAt: receivedAt, tenant: Fixtures.tenant)
    }

    private func failure(_ bytes: [UInt8]) -> WireError? {
        do {
            _ = try SyslogParser.parse(bytes, receivedAt: Self.receivedAt, tenant: Fixtures.tenant)
            return nil
        } catch {
            return error
        }
    }

    @Test func whatLoggerSendsAsRFC5424Parses() throws {
        let record = try parse(
            #"<13>1 2026-11-21T10:00:00.123456+00:00 host user - - [timeQuality tzKnown="1" isSynced="0"] hello"#)
        #expect(
            record
                == LogRecord(
                    time: 1_795_255_200_123_456_000, observedTime: Self.receivedAt,
                    severity: Severity(number: 10, text: "notice"), body: .string("hello"),
                    attributes: [
                        Attribute("syslog.facility", .string("user")),
                        Attribute("timeQuality.tzKnown", .string("1")),
                        Attribute("timeQuality.isSynced", .string("0")),
                    ],
                    resource: Resource(attributes: [
                        Attribute("service.name", .string("user")), Attribute("host.name", .string("host")),
                    ])))
    }

    @Test func rfc5424HeaderFieldsMapToAttributes() throws {
        let record = try parse(
            "<165>1 2026-11-21T11:00:00.5+01:00 mymachine.example.com evntslog 1234 ID47 "
                + #"[exampleSDID@32473 iut="3" eventSource="App\"li\]c\\ation"][examplePriority@32473 class="high"] "#
                + "\u{FEFF}An application event\n")
        #expect(record.time == 1_795_255_200_500_000_000)
        #expect(record.severity == Severity(number: 10, text: "notice"))
        #expect(record.line == "An application event")
        #expect(record.serviceName == "evntslog")
        #expect(record.resource.attributes["host.name"] == .string("mymachine.example.com"))
        #expect(
            record.attributes == [
                Attribute("syslog.facility", .string("local4")), Attribute("process.pid", .int(1234)),
                Attribute("syslog.msgid", .string("ID47")), Attribute("exampleSDID@32473.iut", .string("3")),
                Attribute("exampleSDID@32473.eventSource", .string(#"App"li]c\ation"#)),
                Attribute("examplePriority@32473.class", .string("high")),
            ])
    }

    @Test func nilFieldsAndAMissingMessageAreAllowed() throws {
        let record = try parse("<14>1 - - - worker-3 - -")
        #expect(record.time == Self.receivedAt)
        #expect(record.serviceName == "unknown_service")
        #expect(record.resource.attributes["host.name"] == nil)
        #expect(record.attributes["syslog.procid"] == .string("worker-3"))
        #expect(record.line == "")
    }

    @Test func whatLoggerSendsAsRFC3164Parses() throws {
        let record = try parse("<13>Nov 21 10:00:00 host user: hello")
        #expect(record.time == 1_795_255_200_000_000_000)
        #expect(record.serviceName == "user")
        #expect(record.resource.attributes["host.name"] == .string("host"))
        #expect(record.line == "hello")
        #expect(record.severity == Severity(number: 10, text: "notice"))
        #expect(record.attributes == [Attribute("syslog.facility", .string("user"))])
    }

    @Test func rfc3164TagsWithPIDsAndPaddedDaysParse() throws {
        let record = try parse("<30>Nov  1 09:05:03 web01 postfix/smtpd[4721]: connect from unknown")
        #expect(record.time == 1_793_523_903_000_000_000)
        #expect(record.serviceName == "postfix/smtpd")
        #expect(record.attributes == [Attribute("syslog.facility", .string("daemon")), Attribute("process.pid", .int(4721))])
        #expect(record.severity == Severity(number: 9, text: "info"))
        #expect(record.line == "connect from unknown")
    }

    @Test func rfc3164WithoutHostnameOrTagKeepsTheText() throws {
        let noHost = try parse("<13>Nov 21 09:00:00 cron: job done")
        #expect(noHost.resource.attributes["host.name"] == nil)
        #expect(noHost.serviceName == "cron")
        let noTag = try parse("<13>Nov 21 09:00:00 box just some words")
        #expect(noTag.resource.attributes["host.name"] == .string("box"))
        #expect(noTag.serviceName == "unknown_service")
        #expect(noTag.line == "just some words")
        let bare = try parse("<13>no header at all")
        #expect(bare.time == Self.receivedAt)
        #expect(bare.line == "no header at all")
    }

    @Test func rfc3164TakesTheYearBeforeWhenTheDateWouldBeInTheFuture() throws {
        // Received just after midnight on New Year's Day 2027.
        let record = try parse("<13>Dec 31 23:59:59 host app: late", receivedAt: 1_798_761_610_000_000_000)
        #expect(record.time == 1_798_761_599_000_000_000)
        let sameYear = try parse("<13>Jan  1 00:00:05 host app: early", receivedAt: 1_798_761_610_000_000_000)
        #expect(sameYear.time == 1_798_761_605_000_000_000)
    }

    @Test func rsyslogsHighPrecisionTimestampIsAcceptedInBSDMessages() throws {
        let record = try parse("<13>2026-11-21T10:00:00.123456Z host app[9]: hi")
        #expect(record.time == 1_795_255_200_123_456_000)
        #expect(record.serviceName == "app")
        #expect(record.resource.attributes["host.name"] == .string("host"))
    }

    @Test(arguments: [
        (0, 21, "emerg"), (1, 21, "alert"), (2, 21, "crit"), (3, 17, "err"), (4, 13, "warning"), (5, 10, "notice"),
        (6, 9, "info"), (7, 5, "debug"),
    ])
    func everySeverityMapsToOpenTelemetry(syslog: Int, number: Int, text: String) throws {
        let record = try parse("<\(16 * 8 + syslog)>1 - - - - - - x")
        #expect(record.severity == Severity(number: UInt8(number), text: text))
        #expect(record.attributes["syslog.facility"] == .string("local0"))
    }

    @Test func invalidUTF8InTheMessageIsReplaced() throws {
        let bytes = Array("<13>1 - - - - - - caf".utf8) + [0xff]
        let record = try SyslogParser.parse(bytes, receivedAt: Self.receivedAt, tenant: Fixtures.tenant)
        #expect(record.line == "caf\u{FFFD}")
    }

    @Test func malformedMessagesSayWhatAndWhere() throws {
        let cases: [(String, String)] = [
            ("", "message is empty"),
            ("hello", "expected \"<PRI>\""),
            ("<192>1 - - - - - -", "PRI 192 is over 191"),
            ("<13", "PRI must be 1 to 3 digits"),
            ("<abc>x", "PRI must be 1 to 3 digits"),
            ("<13>1 2026-11-21T10:00:00Z host", "message ends after HOSTNAME"),
            ("<13>1 2026-11-21 host app - - -", "TIMESTAMP \"2026-11-21\" is not an RFC 3339 time"),
            ("<13>1 2026-13-21T10:00:00Z host app - - -", "is not an RFC 3339 time"),
            ("<13>1 - host app - - [unterminated x=\"1\"", "expected \"]\" to close [unterminated"),
            ("<13>1 - host app - - [id p=\"open", "unterminated value of id.p"),
            ("<13>1 - host app - - oops", "STRUCTURED-DATA must be \"-\" or start with \"[\""),
        ]
        for (text, expected) in cases {
            let error = try #require(failure(Array(text.utf8)), "\(text) should not parse")
            #expect(error.kind == .malformed)
            #expect(error.message.contains(expected), "\(text): \(error.message)")
            #expect(error.message.hasPrefix("syslog message, byte "))
        }
    }

    @Test func aHugeMessageParsesWhole() throws {
        let body = String(repeating: "x", count: 100_000)
        #expect(try parse("<13>1 - - - - - - " + body).line.count == 100_000)
    }
}
