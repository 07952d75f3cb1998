import LumenWire
import Testing

struct OTLPFormatTests {
    @Test func contentTypesNameTheirFormatWhateverTheParameters() {
        #expect(OTLPFormat(contentType: "application/x-protobuf") == .protobuf)
        #expect(OTLPFormat(contentType: "application/json") == .json)
        #expect(OTLPFormat(contentType: "application/json; charset=utf-8") == .json)
        #expect(OTLPFormat(contentType: " Application/X-Protobuf ;foo=bar") == .protobuf)
    }

    @Test func unknownContentTypesAreRefused() {
        #expect(OTLPFormat(contentType: "text/plain") == nil)
        #expect(OTLPFormat(contentType: "application/grpc") == nil)
        #expect(OTLPFormat(contentType: "") == nil)
    }

    @Test func eachFormatNamesItsContentType() {
        #expect(OTLPFormat.protobuf.contentType == "application/x-protobuf")
        #expect(OTLPFormat.json.contentType == "application/json")
        #expect(OTLPFormat(contentType: OTLPFormat.json.contentType) == .json)
    }

    @Test func signalsKnowTheirHTTPPaths() {
        #expect(OTLPSignal.traces.path == "/v1/traces")
        #expect(OTLPSignal(rawValue: "metrics") == .metrics)
    }
}
