import Foundation
import LumenModel
import LumenWire
import SwiftProtobuf
import Testing

struct LokiPushDecoderTests {
    private static let limit = 1 << 20

    private func decode(json: String, contentType: String = "application/json") throws(WireError) -> DecodeResult {
        try LokiPushDecoder.decode(
            Array(json.utf8), contentType: contentType, tenant: Fixtures.tenant, receivedAt: Fixtures.receivedAt,
            limit: Self.limit)
    }

    private func decode(_ request: Logproto_PushRequest) throws -> DecodeResult {
        try LokiPushDecoder.decode(
            Snappy.compress(try request.serializedBytes()), contentType: "application/x-protobuf",
            tenant: Fixtures.tenant, receivedAt: Fixtures.receivedAt, limit: Self.limit)
    }

    private func failure(_ body: [UInt8], contentType: String = "application/json", limit: Int = limit) -> WireError? {
        do {
            _ = try LokiPushDecoder.decode(
                body, contentType: contentType, tenant: Fixtures.tenant, receivedAt: Fixtures.receivedAt, limit: limit)
            return nil
        } catch {
            return error
        }
    }

    private func entry(_ seconds: Int64, _ nanos: Int32, _ line: String, _ metadata: [(String, String)] = [])
        -> Logproto_EntryAdapter
    {
        .with { entry in
            entry.timestamp = .with {
                $0.seconds = seconds
                $0.nanos = nanos
            }
            entry.line = line
            entry.structuredMetadata = metadata.map { pair in
                .with {
                    $0.name = pair.0
                    $0.value = pair.1
                }
            }
        }
    }

    @Test func jsonStreamsBecomeLogRecordsWithTheirResource() throws {
        let result = try decode(json: #"""
            {"streams":[{"stream":{"service_name":"cart","env":"prod","level":"warn"},
              "values":[["1700000000123456789","payment slow"],["1700000001000000000","retrying"]]}]}
            """#)
        let cart = Resource(attributes: [Attribute("service.name", .string("cart")), Attribute("env", .string("prod"))])
        #expect(result.rejected == 0)
        #expect(result.batch.tenant == Fixtures.tenant)
        #expect(
            result.batch.logs == [
                LogRecord(
                    time: 1_700_000_000_123_456_789, observedTime: Fixtures.receivedAt,
                    severity: Severity(number: 13, text: "warn"), body: .string("payment slow"), resource: cart),
                LogRecord(
                    time: 1_700_000_001_000_000_000, observedTime: Fixtures.receivedAt,
                    severity: Severity(number: 13, text: "warn"), body: .string("retrying"), resource: cart),
            ])
    }

    @Test func structuredMetadataBecomesAttributesIDsAndSeverity() throws {
        let result = try decode(json: #"""
            {"streams":[{"stream":{"app":"checkout"},"values":[["1","declined",
              {"trace_id":"5b8efff798038103d269b633813fc60c","span_id":"0000000000001111","detected_level":"ERROR","user":"42"}]]}]}
            """#)
        let log = try #require(result.batch.logs.first)
        #expect(log.traceID == Fixtures.traceID)
        #expect(log.spanID == SpanID(0x1111))
        #expect(log.severity == Severity(number: 17, text: "ERROR"))
        #expect(log.attributes == [Attribute("user", .string("42"))])
        #expect(log.serviceName == "checkout")
        // `app` names the service and stays queryable under its own name.
        #expect(log.resource.attributes["app"] == .string("checkout"))
    }

    @Test func theServiceComesFromTheFirstConventionalLabel() throws {
        let result = try decode(json: #"""
            {"streams":[
              {"stream":{"job":"varlogs","app":"web"},"values":[["1","a"]]},
              {"stream":{"job":"varlogs"},"values":[["1","b"]]},
              {"stream":{"host":"n1"},"values":[["1","c"]]}]}
            """#)
        #expect(result.batch.logs.map(\.serviceName) == ["web", "varlogs", "unknown_service"])
    }

    @Test func anUnparseableIDInMetadataIsKeptAsAnAttribute() throws {
        let result = try decode(json: #"{"streams":[{"stream":{},"values":[["1","x",{"trace_id":"not-hex"}]]}]}"#)
        let log = try #require(result.batch.logs.first)
        #expect(log.traceID == nil)
        #expect(log.attributes == [Attribute("trace_id", .string("not-hex"))])
    }

    @Test func badTimestampsAndLabelNamesAreRefusedPerEntry() throws {
        let result = try decode(json: #"""
            {"streams":[
              {"stream":{"app":"a"},"values":[["soon","x"],["12","kept"],["99999999999999999999","y"]]},
              {"stream":{"bad-label":"v"},"values":[["1","z"],["2","w"]]}]}
            """#)
        #expect(result.batch.logs.map(\.line) == ["kept"])
        #expect(result.rejected == 4)
        #expect(result.rejectionMessage.contains("streams[0].values[0][0]: timestamp \"soon\" is not an integer"))
        #expect(result.rejectionMessage.contains("streams[1].stream: invalid label name \"bad-label\""))
    }

    @Test func wrongJSONTypesAreMalformedWithTheirPath() throws {
        let error = try #require(failure(Array(#"{"streams":[{"stream":{},"values":[[1700000000,"x"]]}]}"#.utf8)))
        #expect(error.kind == .malformed)
        #expect(error.message.contains("streams[0].values[0][0]"))
        #expect(error.message.contains("expected a string"))
        #expect(failure(Array(#"{"streams":[{"stream":{},"values":[["1"]]}]}"#.utf8))?.kind == .malformed)
        #expect(failure(Array(#"{"streams":[{"stream":{},"values":[["1","a",{},"extra"]]}]}"#.utf8))?.kind == .malformed)
        #expect(failure(Array(#"{"streams":{}}"#.utf8))?.kind == .malformed)
    }

    @Test func truncatedOrInvalidUTF8JSONIsMalformed() {
        #expect(failure(Array(#"{"streams":[{"stream":{"a":"b"},"values":[["1","#.utf8))?.kind == .malformed)
        #expect(failure(Array(#"{"streams":[{"stream":{},"values":[["1",""#.utf8) + [0xff, 0xfe] + Array(#""]]}]}"#.utf8))?
            .kind == .malformed)
        #expect(failure([])?.kind == .malformed)
    }

    @Test func jsonOverTheLimitIsTooLarge() {
        let body = Array(#"{"streams":[]}"#.utf8)
        #expect(failure(body, limit: 5)?.kind == .tooLarge)
    }

    @Test func protobufPushesParseTheLabelStringWithEscapes() throws {
        let request = Logproto_PushRequest.with {
            $0.streams = [
                .with {
                    $0.labels = #"{service="cart", note="say \"hi\" \\ then\nbye", level="error",}"#
                    $0.entries = [
                        entry(1_700_000_000, 5, "boom", [("traceID", "5b8efff798038103d269b633813fc60c"), ("pod", "p-1")])
                    ]
                }
            ]
        }
        let result = try decode(request)
        #expect(result.rejected == 0)
        #expect(
            result.batch.logs == [
                LogRecord(
                    time: 1_700_000_000_000_000_005, observedTime: Fixtures.receivedAt,
                    severity: Severity(number: 17, text: "error"), body: .string("boom"),
                    attributes: [Attribute("pod", .string("p-1"))], traceID: Fixtures.traceID,
                    resource: Resource(attributes: [
                        Attribute("service.name", .string("cart")),
                        Attribute("note", .string("say \"hi\" \\ then\nbye")),
                    ]))
            ])
    }

    @Test func protobufStreamsWithBadLabelsOrTimestampsAreRefused() throws {
        let request = Logproto_PushRequest.with {
            $0.streams = [
                .with {
                    $0.labels = #"{app="a""#
                    $0.entries = [entry(1, 0, "x"), entry(2, 0, "y")]
                },
                .with {
                    $0.labels = #"{app="a", app="b"}"#
                    $0.entries = [entry(1, 0, "x")]
                },
                .with {
                    $0.labels = "{}"
                    $0.entries = [entry(Int64.max, 0, "overflow"), .with { $0.line = "no time" }, entry(3, 0, "ok")]
                },
            ]
        }
        let result = try decode(request)
        #expect(result.batch.logs.map(\.line) == ["ok"])
        #expect(result.batch.logs.first?.serviceName == "unknown_service")
        #expect(result.rejected == 5)
        #expect(result.rejectionMessage.contains("streams[0]: stream labels"))
        #expect(result.rejectionMessage.contains("duplicate label app"))
        #expect(result.rejectionMessage.contains("streams[2].entries[0]: timestamp is out of range"))
        #expect(result.rejectionMessage.contains("streams[2].entries[1]: timestamp is missing"))
    }

    @Test func protobufWithoutSnappyOrWithGarbageIsMalformed() throws {
        let raw: [UInt8] = try Logproto_PushRequest.with { $0.streams = [.with { $0.labels = "{}" }] }.serializedBytes()
        #expect(failure(raw, contentType: "application/x-protobuf")?.kind == .malformed)
        let error = try #require(failure(Snappy.compress([0x0a, 0x64, 0x01]), contentType: "application/x-protobuf"))
        #expect(error.message.contains("logproto.PushRequest"))
    }

    @Test func aSnappyBombIsTooLarge() {
        let bomb = Snappy.compress([UInt8](repeating: 0x41, count: 2 << 20))
        #expect(failure(bomb, contentType: "application/x-protobuf", limit: 1 << 20)?.kind == .tooLarge)
    }

    @Test func otherContentTypesAreUnsupported() throws {
        let error = try #require(failure(Array("x".utf8), contentType: "text/plain"))
        #expect(error.kind == .unsupportedMediaType)
        #expect(error.message.contains("application/json"))
        #expect(try decode(json: #"{"streams":[]}"#, contentType: "Application/JSON; charset=utf-8").batch.isEmpty)
    }
}
