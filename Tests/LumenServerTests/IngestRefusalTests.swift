import Foundation
import Hummingbird
import LumenEngine
import LumenWire
import NIOCore
import Testing

@testable import LumenServer

/// The one refusal model of the ingest pipeline and its mappings: each kind to an HTTP status, a gRPC code and a
/// counting reason, and each protocol's answer (`docs/ingest-path.md`).
struct IngestRefusalTests {
    @Test(arguments: [
        (IngestRefusal.Kind.badData, 400, 3, RequestRefusalReason?.some(.invalid)),
        (.tooLarge, 413, 8, .bodyTooLarge),
        (.unsupportedMediaType, 415, 3, .unsupportedMediaType),
        (.unsupportedEncoding, 415, 3, .unsupportedEncoding),
        (.unauthenticated, 401, 16, .unauthenticated),
        (.forbidden, 403, 7, .forbidden),
        (.busy, 429, 8, nil),
        (.unavailable, 503, 14, nil),
        (.insufficientStorage, 507, 8, .diskFull),
    ])
    func eachKindHasOneHTTPStatusOneGRPCCodeAndOneReason(
        kind: IngestRefusal.Kind, status: Int, grpcCode: Int, reason: RequestRefusalReason?
    ) {
        let refusal = IngestRefusal(kind, "why")
        #expect(refusal.httpStatus.code == status)
        #expect(refusal.grpcStatusCode == grpcCode)
        #expect(refusal.reason == reason)
    }

    @Test func decoderAndTenantErrorsBecomeRefusalsOfTheirKindWithTheirMessage() {
        #expect(IngestRefusal(WireError.malformed("field 3")) == IngestRefusal(.badData, "field 3"))
        #expect(IngestRefusal(WireError.tooLarge("big")).kind == .tooLarge)
        #expect(IngestRefusal(WireError(.unsupportedEncoding, "br")).kind == .unsupportedEncoding)
        let resolver = TenantResolver(tokens: ["secret": .anonymous])
        do {
            _ = try resolver.tenant(authorization: nil, scopeOrgID: nil)
            Issue.record("a request without a token was given a tenant")
        } catch {
            #expect(IngestRefusal(error).kind == .unauthenticated)
        }
    }

    @Test func aFullDiskIsRefusedAsInsufficientStorageWithRetryAfterAndOtherStoreFailuresAsUnavailable() {
        let full = IngestRefusal(storing: WALError(.diskFull, "write failed", path: "00000001.wal", errno: ENOSPC))
        #expect(full.kind == .insufficientStorage)
        #expect(full.retryAfterSeconds == IngestRefusal.diskFullRetryAfterSeconds)
        #expect(full.plainTextResponse.headers[.retryAfter] == String(IngestRefusal.diskFullRetryAfterSeconds))
        #expect(IngestRefusal(storing: BlockError(.diskFull, "no space")).kind == .insufficientStorage)
        let failing = IngestRefusal(storing: WALError(.durabilityLost, "an earlier fsync failed"))
        #expect(failing.kind == .unavailable)
        #expect(failing.httpStatus.code == 503)
    }

    @Test func pushProtocolsAnswerTheirSuccessA400NamingRefusedItemsOrTheRefusalAsText() {
        #expect(Response(push: .success(IngestOutcome()), success: .noContent).status == .noContent)
        var partial = IngestOutcome()
        partial.refuse(2, "2 samples refused by max_label_value_length: …")
        let named = Response(push: .success(partial), success: .noContent)
        #expect(named.status == .badRequest)
        let refused = Response(
            push: .failure(IngestRefusal(.busy, "ingest is busy", retryAfterSeconds: 1)), success: .accepted)
        #expect(refused.status == .tooManyRequests)
        #expect(refused.headers[.retryAfter] == "1")
        #expect(refused.headers[.contentType] == "text/plain; charset=utf-8")
    }

    @Test func otlpAnswersARefusalWithAStatusBodyOfItsGRPCCodeInTheRequestsFormat() throws {
        let refusal = IngestRefusal(.unavailable, "over the memory ceiling", retryAfterSeconds: 10)
        let response = Response(otlp: .failure(refusal), signal: .traces, format: .json)
        #expect(response.status == .serviceUnavailable)
        #expect(response.headers[.retryAfter] == "10")
        #expect(response.headers[.contentType] == "application/json")
        let body = OTLPStatusBody.encode(refusal.grpcStatusCode, message: refusal.message, format: .json)
        let status = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        #expect(status?["code"] as? Int == 14)
        #expect(status?["message"] as? String == "over the memory ceiling")
        // In protobuf: field 1 (code) as a varint, field 2 (message) length-delimited.
        let protobuf = OTLPStatusBody.encode(16, message: "no", format: .protobuf)
        #expect(Array(protobuf.readableBytesView) == [0x08, 16, 0x12, 2] + Array("no".utf8))
    }
}
