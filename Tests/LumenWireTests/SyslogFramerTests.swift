import LumenWire
import Testing

struct SyslogFramerTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func octetCountedFramesAreSplitAcrossReads() throws {
        var framer = SyslogFramer()
        let first = "<13>1 - - - - - - hello"
        let second = "<13>1 - - - - - - a\nmultiline message"
        let stream = bytes("\(first.utf8.count) \(first)\(second.utf8.count) \(second)")
        var messages: [[UInt8]] = []
        for chunk in stride(from: 0, to: stream.count, by: 7) {
            messages += try framer.append(Array(stream[chunk..<min(chunk + 7, stream.count)]))
        }
        #expect(messages == [bytes(first), bytes(second)])
        #expect(framer.finish() == nil)
    }

    @Test func newlineFramesDropCarriageReturnsAndEmptyLines() throws {
        var framer = SyslogFramer()
        #expect(try framer.append(bytes("<13>Nov 21 10:00:00 host user: one\r\n\n<13>Nov 21 10:00:00 host user: tw"))
            == [bytes("<13>Nov 21 10:00:00 host user: one")])
        #expect(try framer.append(bytes("o\n")) == [bytes("<13>Nov 21 10:00:00 host user: two")])
    }

    @Test func framingIsChosenPerMessage() throws {
        var framer = SyslogFramer()
        let messages = try framer.append(bytes("<13>newline framed\n9 <13>octet<14>again\n"))
        #expect(messages == [bytes("<13>newline framed"), bytes("<13>octet"), bytes("<14>again")])
    }

    @Test func theUnterminatedTailIsReturnedAtTheEnd() throws {
        var framer = SyslogFramer()
        #expect(try framer.append(bytes("<13>last words")) == [])
        #expect(framer.finish() == bytes("<13>last words"))
        #expect(framer.finish() == nil)
        var cutOff = SyslogFramer()
        #expect(try cutOff.append(bytes("100 <13>short")) == [])
        #expect(cutOff.finish() == nil)
    }

    @Test func aFrameOverTheLimitIsTooLarge() throws {
        var counted = SyslogFramer(maxMessageSize: 100)
        #expect(throws: WireError.tooLarge("syslog octet-counted frame is longer than the limit of 100 bytes")) {
            try counted.append(bytes("101 <13>"))
        }
        var huge = SyslogFramer(maxMessageSize: 100)
        #expect(throws: WireError.self) { try huge.append(bytes("99999999999999999999 ")) }
        var unterminated = SyslogFramer(maxMessageSize: 100)
        #expect(try unterminated.append(bytes("<13>" + String(repeating: "a", count: 90))) == [])
        #expect(throws: WireError.tooLarge("syslog message has no newline within the limit of 100 bytes")) {
            try unterminated.append(bytes(String(repeating: "a", count: 20)))
        }
    }

    @Test func digitsWithoutASpaceAreMalformed() throws {
        var framer = SyslogFramer()
        do {
            _ = try framer.append(bytes("12<13>oops\n"))
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .malformed)
            #expect(error.message.contains("octet counting"))
        }
    }

    @Test func manyMessagesInOneReadAllComeOut() throws {
        var framer = SyslogFramer()
        let stream = (0..<10_000).map { "<13>message \($0)\n" }.joined()
        let messages = try framer.append(bytes(stream))
        #expect(messages.count == 10_000)
        #expect(messages.last == bytes("<13>message 9999"))
    }

    @Test func loggersTCPOutputFramesAndParsesInBothFormats() throws {
        var framer = SyslogFramer()
        let rfc5424 = #"<13>1 2026-11-21T10:00:00.123456+00:00 host user - - [timeQuality tzKnown="1" isSynced="0"] hello"#
        let stream = bytes("\(rfc5424.utf8.count) \(rfc5424)") + bytes("<13>Nov 21 10:00:00 host user: hello\n")
        let records = try framer.append(stream).map {
            try SyslogParser.parse($0, receivedAt: 1_795_262_400_000_000_000, tenant: Fixtures.tenant)
        }
        #expect(records.map(\.line) == ["hello", "hello"])
        #expect(records.map(\.serviceName) == ["user", "user"])
        #expect(records.map(\.time) == [1_795_255_200_123_456_000, 1_795_255_200_000_000_000])
    }
}
