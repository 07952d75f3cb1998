import Foundation
import LumenModel
import LumenWire
import SwiftProtobuf
import Testing

struct LogDecodingTests {
    @Test(arguments: [OTLPFormat.protobuf, .json])
    func encodedLogsDecodeToTheSameLogs(format: OTLPFormat) throws {
        let body = OTLPEncoder.body(OTLPEncoder.logs(Fixtures.logs), format: format)
        let result = try Fixtures.decode(.logs, body, format)
        #expect(result.batch.logs == Fixtures.logs)
        #expect(result.rejected == 0)
    }

    @Test func handWrittenOTLPJSONDocumentDecodes() throws {
        let json = """
            {"resourceLogs": [{
              "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "my.service"}}]},
              "scopeLogs": [{
                "scope": {"name": "my.library", "version": "1.0.0"},
                "logRecords": [{
                  "timeUnixNano": "1544712660300000000",
                  "observedTimeUnixNano": "1544712660300000000",
                  "severityNumber": 10,
                  "severityText": "Information",
                  "traceId": "5B8EFFF798038103D269B633813FC60C",
                  "spanId": "EEE19B7EC3C1B174",
                  "body": {"stringValue": "Example log record"},
                  "attributes": [
                    {"key": "string.attribute", "value": {"stringValue": "some string"}},
                    {"key": "int.attribute", "value": {"intValue": "10"}},
                    {"key": "double.attribute", "value": {"doubleValue": 637.704}},
                    {"key": "array.attribute", "value": {"arrayValue": {"values": [{"stringValue": "many"}, {"stringValue": "values"}]}}},
                    {"key": "map.attribute", "value": {"kvlistValue": {"values": [{"key": "some.map.key", "value": {"stringValue": "some value"}}]}}}
                  ]
                }]
              }]
            }]}
            """
        let result = try Fixtures.decode(.logs, json: json)
        let log = try #require(result.batch.logs.first)
        #expect(log.time == 1_544_712_660_300_000_000)
        #expect(log.severity == Severity(number: 10, text: "Information"))
        #expect(log.traceID == Fixtures.traceID)
        #expect(log.spanID == SpanID(hex: "eee19b7ec3c1b174"))
        #expect(log.body == .string("Example log record"))
        #expect(log.serviceName == "my.service")
        #expect(log.attributes == [
            Attribute("string.attribute", .string("some string")), Attribute("int.attribute", .int(10)),
            Attribute("double.attribute", .double(637.704)),
            Attribute("array.attribute", .array([.string("many"), .string("values")])),
            Attribute("map.attribute", .map([Attribute("some.map.key", .string("some value"))])),
        ])
    }

    @Test func missingTimesFallBackToObservedTimeThenToReceipt() throws {
        var request = OTLPEncoder.logs([Fixtures.logs[0], Fixtures.logs[1]])
        request.resourceLogs[0].scopeLogs[0].logRecords[0].timeUnixNano = 0
        request.resourceLogs[0].scopeLogs[0].logRecords[1].timeUnixNano = 0
        request.resourceLogs[0].scopeLogs[0].logRecords[1].observedTimeUnixNano = 0
        let logs = try Fixtures.decode(.logs, try request.serializedBytes(), .protobuf).batch.logs
        #expect(logs[0].time == Fixtures.logs[0].observedTime)
        #expect(logs[1].time == Fixtures.receivedAt)
        #expect(logs[1].observedTime == Fixtures.receivedAt)
    }

    @Test func traceContextIsOptionalButMustHaveTheRightLength() throws {
        var request = OTLPEncoder.logs([Fixtures.logs[0], Fixtures.logs[1]])
        request.resourceLogs[0].scopeLogs[0].logRecords[0].spanID = Data([1, 2, 3])
        request.resourceLogs[0].scopeLogs[0].logRecords[1].traceID = Data()
        let result = try Fixtures.decode(.logs, try request.serializedBytes(), .protobuf)
        #expect(result.rejected == 1)
        #expect(result.rejectionMessage
            == "rejected 1 log records: resourceLogs[0].scopeLogs[0].logRecords[0]: span_id must be 8 bytes or empty, got 3")
        #expect(result.batch.logs.count == 1)
        #expect(result.batch.logs[0].traceID == nil)
    }

    @Test func severityTextAloneGivesTheSeverityNumber() throws {
        var request = OTLPEncoder.logs([Fixtures.logs[2]])
        request.resourceLogs[0].scopeLogs[0].logRecords[0].severityText = "Warning"
        let log = try #require(try Fixtures.decode(.logs, try request.serializedBytes(), .protobuf).batch.logs.first)
        #expect(log.severity.level == .warn)
        #expect(log.severity.text == "Warning")
    }

    @Test func aRecordWithoutBodyHasAnEmptyLine() throws {
        var request = OTLPEncoder.logs([Fixtures.logs[2]])
        request.resourceLogs[0].scopeLogs[0].logRecords[0].clearBody()
        let log = try #require(try Fixtures.decode(.logs, try request.serializedBytes(), .protobuf).batch.logs.first)
        #expect(log.line == "")
    }
}
