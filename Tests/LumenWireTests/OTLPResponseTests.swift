import Foundation
import LumenWire
import NIOCore
import SwiftProtobuf
import Testing

struct OTLPResponseTests {
    @Test func fullSuccessIsAnEmptyResponse() throws {
        #expect(OTLPResponse.encode(.traces, rejected: 0, message: "", format: .protobuf).readableBytes == 0)
        let json = OTLPResponse.encode(.logs, rejected: 0, message: "", format: .json)
        #expect(String(buffer: json) == "{}")
    }

    @Test func partialSuccessCountsRejectedItemsInProtobuf() throws {
        let buffer = OTLPResponse.encode(.traces, rejected: 3, message: "bad ids", format: .protobuf)
        let response = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse(
            serializedBytes: Array(buffer.readableBytesView))
        #expect(response.partialSuccess.rejectedSpans == 3)
        #expect(response.partialSuccess.errorMessage == "bad ids")
    }

    @Test(arguments: [
        (OTLPSignal.traces, "rejectedSpans"), (.metrics, "rejectedDataPoints"), (.logs, "rejectedLogRecords"),
    ])
    func partialSuccessIsValidOTLPJSON(signal: OTLPSignal, field: String) throws {
        let buffer = OTLPResponse.encode(signal, rejected: 2, message: "delta refused", format: .json)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
        let partial = try #require(object["partialSuccess"] as? [String: Any])
        #expect(partial[field] as? String == "2")
        #expect(partial["errorMessage"] as? String == "delta refused")
    }
}
