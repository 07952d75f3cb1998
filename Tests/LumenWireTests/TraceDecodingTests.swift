import Foundation
import LumenModel
@testable import LumenWire
import SwiftProtobuf
import Testing

struct TraceDecodingTests {
    @Test(arguments: [OTLPFormat.protobuf, .json])
    func encodedSpansDecodeToTheSameSpans(format: OTLPFormat) throws {
        let body = OTLPEncoder.body(OTLPEncoder.traces(Fixtures.spans), format: format)
        let result = try Fixtures.decode(.traces, body, format)
        #expect(result.batch.spans == Fixtures.spans)
        #expect(result.batch.tenant == Fixtures.tenant)
        #expect(result.rejected == 0)
        #expect(result.rejectionMessage.isEmpty)
    }

    @Test func encoderGroupsSpansByResourceThenScope() {
        let request = OTLPEncoder.traces(Fixtures.spans)
        #expect(request.resourceSpans.count == 2)
        #expect(request.resourceSpans[0].scopeSpans.map(\.spans.count) == [2, 1])
        #expect(request.resourceSpans[1].scopeSpans.map(\.spans.count) == [1])
    }

    @Test func jsonBodiesCarryIDsAsHex() throws {
        let body = OTLPEncoder.body(OTLPEncoder.traces(Fixtures.spans), format: .json)
        let text = try #require(String(data: body, encoding: .utf8))
        #expect(text.contains("\"traceId\":\"5b8efff798038103d269b633813fc60c\""))
        #expect(text.contains("\"spanId\":\"0000000000001111\""))
        #expect(text.contains("\"parentSpanId\":\"0000000000001111\""))
    }

    @Test func handWrittenOTLPJSONDocumentDecodes() throws {
        // The shape the OTLP specification shows: upper-case hex IDs, int64 times as strings, enums as
        // integers or names, and a field this version does not know.
        let json = """
            {"resourceSpans": [{
              "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "my.service"}}]},
              "scopeSpans": [{
                "scope": {"name": "my.library", "version": "1.0.0",
                          "attributes": [{"key": "my.scope.attribute", "value": {"stringValue": "x"}}]},
                "spans": [{
                  "traceId": "5B8EFFF798038103D269B633813FC60C",
                  "spanId": "EEE19B7EC3C1B174",
                  "parentSpanId": "EEE19B7EC3C1B173",
                  "name": "I'm a server span",
                  "startTimeUnixNano": "1544712660000000000",
                  "endTimeUnixNano": 1544712661000000000,
                  "kind": 2,
                  "futureField": {"x": 1},
                  "attributes": [{"key": "my.span.attr", "value": {"intValue": "42"}}],
                  "status": {"code": "STATUS_CODE_ERROR", "message": "boom"}
                }, {
                  "traceId": "W47/95gDgQPSabYzgT/GDA==",
                  "spanId": "7uGbfsPBsXQ=",
                  "name": "base64 ids",
                  "kind": "SPAN_KIND_CLIENT",
                  "startTimeUnixNano": "1544712660000000000",
                  "endTimeUnixNano": "1544712660000000000"
                }]
              }]
            }]}
            """
        let result = try Fixtures.decode(.traces, json: json)
        #expect(result.rejected == 0)
        let spans = result.batch.spans
        try #require(spans.count == 2)
        #expect(spans[0].traceID == Fixtures.traceID)
        #expect(spans[0].spanID == SpanID(hex: "eee19b7ec3c1b174"))
        #expect(spans[0].parentSpanID == SpanID(hex: "eee19b7ec3c1b173"))
        #expect(spans[0].kind == .server)
        #expect(spans[0].startTime == 1_544_712_660_000_000_000)
        #expect(spans[0].duration == 1_000_000_000)
        #expect(spans[0].attributes == [Attribute("my.span.attr", .int(42))])
        #expect(spans[0].status == SpanStatus(code: .error, message: "boom"))
        #expect(spans[0].serviceName == "my.service")
        #expect(spans[0].scope == InstrumentationScope(name: "my.library", version: "1.0.0"))
        #expect(spans[1].traceID == Fixtures.traceID)
        #expect(spans[1].spanID == SpanID(hex: "eee19b7ec3c1b174"))
        #expect(spans[1].kind == .client)
        #expect(spans[1].parentSpanID == nil)
    }

    @Test func spansWithBadIDsOrTimesAreRejectedAndTheRestKept() throws {
        var request = OTLPEncoder.traces(Fixtures.spans)
        request.resourceSpans[0].scopeSpans[0].spans[1].traceID = Data([1, 2, 3])
        request.resourceSpans[0].scopeSpans[1].spans[0].spanID = Data(count: 8)
        request.resourceSpans[1].scopeSpans[0].spans[0].endTimeUnixNano = 1
        let result = try Fixtures.decode(.traces, try request.serializedBytes(), .protobuf)
        #expect(result.batch.spans == [Fixtures.spans[0]])
        #expect(result.rejected == 3)
        #expect(result.rejectionMessage.hasPrefix("rejected 3 spans: "))
        #expect(result.rejectionMessage.contains("resourceSpans[0].scopeSpans[0].spans[1]: trace_id must be 16 bytes, got 3"))
        #expect(result.rejectionMessage.contains("resourceSpans[0].scopeSpans[1].spans[0]: span_id must not be all zeros"))
        #expect(result.rejectionMessage.contains("resourceSpans[1].scopeSpans[0].spans[0]: end_time_unix_nano 1 is before"))
    }

    @Test func aSpanWithABadLinkOrParentIsRejected() throws {
        var request = OTLPEncoder.traces(Fixtures.spans)
        request.resourceSpans[0].scopeSpans[0].spans[0].links[0].spanID = Data([1])
        request.resourceSpans[0].scopeSpans[0].spans[1].parentSpanID = Data([1, 2])
        let result = try Fixtures.decode(.traces, try request.serializedBytes(), .protobuf)
        #expect(result.rejected == 2)
        #expect(result.batch.spans.count == 2)
        #expect(result.rejectionMessage.contains("links[0].span_id must be 8 bytes, got 1"))
        #expect(result.rejectionMessage.contains("parent_span_id must be 8 bytes or empty, got 2"))
    }

    @Test func emptyParentSpanIDMeansARootSpan() throws {
        var request = OTLPEncoder.traces([Fixtures.spans[1]])
        request.resourceSpans[0].scopeSpans[0].spans[0].parentSpanID = Data()
        let result = try Fixtures.decode(.traces, try request.serializedBytes(), .protobuf)
        #expect(result.batch.spans.first?.parentSpanID == nil)
        #expect(result.batch.spans.first?.isRoot == true)
    }

    @Test func aResourceWithoutServiceNameGetsUnknownService() throws {
        var request = OTLPEncoder.traces([Fixtures.spans[0]])
        request.resourceSpans[0].resource.attributes = []
        let result = try Fixtures.decode(.traces, try request.serializedBytes(), .protobuf)
        #expect(result.batch.spans.first?.serviceName == Resource.unknownService)
    }

    @Test func anEmptyBodyIsAnEmptyBatch() throws {
        #expect(try Fixtures.decode(.traces, Data(), .protobuf).batch.isEmpty)
        #expect(try Fixtures.decode(.traces, json: "{}").batch.isEmpty)
    }
}
