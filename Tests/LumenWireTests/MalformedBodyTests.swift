import Foundation
import LumenModel
import LumenWire
import Testing

struct MalformedBodyTests {
    @Test(arguments: OTLPSignal.allCases)
    func garbageProtobufIsMalformed(signal: OTLPSignal) throws {
        // Field 1, length-delimited, claims 100 bytes that are not there.
        let error = try #require(Fixtures.error(signal, Data([0x0a, 0x64, 0x01, 0x02]), .protobuf))
        #expect(error.kind == .malformed)
        #expect(error.message.contains("not a valid OTLP/protobuf"))
        #expect(error.message.contains(signal.path))
    }

    @Test(arguments: OTLPSignal.allCases)
    func brokenJSONIsMalformed(signal: OTLPSignal) throws {
        let error = try #require(Fixtures.error(signal, Data("{\"resourceSpans\": [".utf8), .json))
        #expect(error.kind == .malformed)
        #expect(error.message.contains("not a valid OTLP/JSON"))
    }

    @Test func jsonOfTheWrongShapeIsMalformed() throws {
        let error = try #require(Fixtures.error(.traces, Data("{\"resourceSpans\": 5}".utf8), .json))
        #expect(error.kind == .malformed)
    }

    @Test func anIDThatIsNeitherHexNorBase64IsMalformed() throws {
        let json = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"not an id!","spanId":"x"}]}]}]}"#
        let error = try #require(Fixtures.error(.traces, Data(json.utf8), .json))
        #expect(error.kind == .malformed)
    }

    @Test func hexIDsOfTheWrongLengthAreRejectedNotFatal() throws {
        let json = #"""
            {"resourceSpans":[{"scopeSpans":[{"spans":[
              {"traceId":"abcd","spanId":"eee19b7ec3c1b174","startTimeUnixNano":"1","endTimeUnixNano":"2"},
              {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","startTimeUnixNano":"1","endTimeUnixNano":"2"}
            ]}]}]}
            """#
        let result = try Fixtures.decode(.traces, json: json)
        #expect(result.rejected == 1)
        #expect(result.batch.spans.count == 1)
        #expect(result.rejectionMessage.contains("spans[0]: trace_id must be 16 bytes"))
    }
}
