import LumenModel
import LumenWire
import Testing

struct ZipkinDecoderTests {
    private func decode(_ json: String) throws(WireError) -> DecodeResult {
        try ZipkinDecoder.decode(Array(json.utf8), tenant: Fixtures.tenant)
    }

    private func failure(_ json: String) -> WireError? {
        do {
            _ = try decode(json)
            return nil
        } catch {
            return error
        }
    }

    @Test func everyZipkinFieldMapsOntoTheSpan() throws {
        let result = try decode(#"""
            [{"traceId":"d269b633813fc60c","id":"0000000000002222","parentId":"0000000000001111","name":"get /cart",
              "kind":"CLIENT","timestamp":1700000000000123,"duration":2500,"shared":true,
              "localEndpoint":{"serviceName":"frontend","ipv4":"10.0.0.1","port":8080},
              "remoteEndpoint":{"serviceName":"cart","ipv6":"::1","port":9000},
              "annotations":[{"timestamp":1700000000001000,"value":"retry"}],
              "tags":{"http.method":"GET","error":"connection reset","http.status_code":503}}]
            """#)
        #expect(result.rejected == 0)
        #expect(result.batch.tenant == Fixtures.tenant)
        #expect(
            result.batch.spans == [
                Span(
                    traceID: TraceID(high: 0, low: 0xd269_b633_813f_c60c), spanID: SpanID(0x2222),
                    parentSpanID: SpanID(0x1111), name: "get /cart", kind: .client,
                    startTime: 1_700_000_000_000_123_000, endTime: 1_700_000_000_002_623_000,
                    status: SpanStatus(code: .error, message: "connection reset"),
                    attributes: [
                        Attribute("net.host.ip", .string("10.0.0.1")), Attribute("net.host.port", .int(8080)),
                        Attribute("peer.service", .string("cart")), Attribute("net.peer.ip", .string("::1")),
                        Attribute("net.peer.port", .int(9000)), Attribute("http.method", .string("GET")),
                        Attribute("http.status_code", .string("503")), Attribute("zipkin.shared", .bool(true)),
                    ],
                    events: [SpanEvent(time: 1_700_000_000_001_000_000, name: "retry")],
                    resource: Resource(attributes: [Attribute("service.name", .string("frontend"))]))
            ])
    }

    @Test func aMinimalSpanIsARootWithUnknownServiceAndUnspecifiedKind() throws {
        let result = try decode(#"[{"traceId":"5b8efff798038103d269b633813fc60c","id":"1","timestamp":10}]"#)
        let span = try #require(result.batch.spans.first)
        #expect(span.traceID == Fixtures.traceID)
        #expect(span.spanID == SpanID(1))
        #expect(span.parentSpanID == nil)
        #expect(span.kind == .unspecified)
        #expect(span.startTime == 10_000 && span.endTime == 10_000)
        #expect(span.serviceName == "unknown_service")
        #expect(span.status == SpanStatus())
    }

    @Test func kindsAndOTelStatusTagsMap() throws {
        let result = try decode(#"""
            [{"traceId":"1","id":"1","timestamp":1,"kind":"SERVER","tags":{"otel.status_code":"ERROR","otel.status_description":"boom"}},
             {"traceId":"1","id":"2","timestamp":1,"kind":"PRODUCER","tags":{"otel.status_code":"OK"}},
             {"traceId":"1","id":"3","timestamp":1,"kind":"CONSUMER","tags":{"error":"true"}}]
            """#)
        #expect(result.batch.spans.map(\.kind) == [.server, .producer, .consumer])
        #expect(result.batch.spans.map(\.status) == [
            SpanStatus(code: .error, message: "boom"), SpanStatus(code: .ok), SpanStatus(code: .error),
        ])
    }

    @Test func invalidSpansAreRefusedAndTheRestKept() throws {
        let result = try decode(#"""
            [{"traceId":"zz","id":"1","timestamp":1},
             {"traceId":"00000000000000000000000000000000","id":"1","timestamp":1},
             {"traceId":"1","id":"11111111111111111","timestamp":1},
             {"traceId":"1","id":"1"},
             {"traceId":"1","id":"1","timestamp":-5},
             {"traceId":"1","id":"1","timestamp":"soon"},
             {"traceId":"1","id":"1","timestamp":1,"kind":"SIDEWAYS"},
             {"traceId":"1","id":"1","timestamp":1,"parentId":"xyz"},
             {"traceId":"1","id":"1","timestamp":9223372036854775807},
             {"id":"1","timestamp":1},
             {"traceId":"1","id":"2","timestamp":1}]
            """#)
        #expect(result.batch.spans.map(\.spanID) == [SpanID(2)])
        #expect(result.rejected == 10)
        #expect(result.rejectionMessage.hasPrefix("rejected 10 spans: [0]: traceId \"zz\" must be 16 or 32 hex digits"))
        #expect(result.rejectionMessage.contains("[2]: id \"11111111111111111\" must be 16 hex digits"))
        #expect(result.rejectionMessage.contains("[3]: timestamp is missing"))
        #expect(result.rejectionMessage.contains("(and 5 more)"))
    }

    @Test func theReasonsOfLaterSpansNameTheirFieldPath() throws {
        let result = try decode(#"[{"traceId":"1","id":"1","timestamp":"soon"},{"id":"1","timestamp":1}]"#)
        #expect(result.rejected == 2)
        #expect(result.rejectionMessage.contains("[0].timestamp: expected an integer"))
        #expect(result.rejectionMessage.contains("[1].traceId: required field is missing"))
    }

    @Test func aBodyThatIsNotAListIsMalformed() {
        #expect(failure(#"{"traceId":"1"}"#)?.kind == .malformed)
        #expect(failure(#"[{"traceId":"1","id":"1","timestamp":1}"#)?.kind == .malformed)
        #expect(failure("")?.kind == .malformed)
        let error = failure("[1, 2")
        #expect(error?.message.hasPrefix("body is not a Zipkin v2 JSON list of spans") == true)
    }

    @Test func aSpanWithInvalidUTF8IsRefusedAlone() throws {
        let body: [UInt8] = Array(#"[{"traceId":"1","id":"1","timestamp":1,"name":""#.utf8) + [0xc3, 0x28]
            + Array(#""},{"traceId":"1","id":"2","timestamp":1}]"#.utf8)
        let result = try ZipkinDecoder.decode(body, tenant: Fixtures.tenant)
        #expect(result.batch.spans.map(\.spanID) == [SpanID(2)])
        #expect(result.rejected == 1)
        #expect(result.rejectionMessage.contains("[0]"))
    }

    @Test func anEmptyListIsAnEmptyBatch() throws {
        let result = try decode("[]")
        #expect(result.batch.isEmpty)
        #expect(result.rejected == 0)
    }
}
