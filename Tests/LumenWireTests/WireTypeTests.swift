import Foundation
import LumenModel
import LumenWire
import NIOCore
import SwiftProtobuf
import Testing

/// A protobuf field whose wire type is not its schema's is an error, not an absent field. swift-protobuf keeps
/// such a field among the unknown fields and decodes the message as if it were not there, so a request of them
/// was accepted as empty (200) over OTLP/HTTP, OTLP/gRPC and Loki; remote write's own reader refuses them.
struct WireTypeTests {
    /// Field `number` as a varint 1.
    private static func varintField(_ number: UInt8) -> [UInt8] { [number << 3 | 0, 1] }

    /// Field `number` as a length-delimited `bytes`.
    private static func lengthDelimited(_ number: UInt8, _ bytes: [UInt8]) -> [UInt8] {
        [number << 3 | 2, UInt8(bytes.count)] + bytes
    }

    private func otlp(_ signal: OTLPSignal, _ bytes: [UInt8]) -> Result<DecodeResult, WireError> {
        Result { () throws(WireError) in
            try OTLPDecoder.decode(
                signal, body: ByteBuffer(bytes: bytes), format: .protobuf, tenant: Fixtures.tenant,
                receivedAt: Fixtures.receivedAt)
        }
    }

    @Test(arguments: [OTLPSignal.traces, .metrics, .logs])
    func aTopLevelFieldSentAsAVarintIsMalformed(signal: OTLPSignal) throws {
        guard case .failure(let error) = otlp(signal, Self.varintField(1)) else {
            Issue.record("resource_\(signal.rawValue) as a varint was accepted")
            return
        }
        #expect(error.kind == .malformed)
        #expect(error.message.contains("field 1 "))
        #expect(error.message.contains("wire type 0"))
    }

    @Test func aNestedFieldOfTheWrongWireTypeIsNamedByItsPath() throws {
        // resource_spans { scope_spans { spans { name: <varint> } } }: Span.name is field 5, a string.
        let span = Self.varintField(5)
        let body = Self.lengthDelimited(1, Self.lengthDelimited(2, Self.lengthDelimited(2, span)))
        guard case .failure(let error) = otlp(.traces, body) else {
            Issue.record("a span name sent as a varint was accepted")
            return
        }
        #expect(error.message.contains("field 1.2.2.5 (in opentelemetry.proto.trace.v1.Span)"))
    }

    @Test func fieldsUnknownToTheSchemaAreStillSkipped() throws {
        // Field 9 of ExportTraceServiceRequest: a newer OTLP's, not Lumen's.
        let request = OTLPEncoder.body(OTLPEncoder.traces(Fixtures.spans), format: .protobuf)
        let body = Array(request) + Self.varintField(9)
        guard case .success(let result) = otlp(.traces, body) else {
            Issue.record("an unknown field refused the request")
            return
        }
        #expect(result.batch.spans == Fixtures.spans)
    }

    @Test func aLokiPushStreamSentAsAVarintIsMalformed() throws {
        let body = Snappy.compress(Self.varintField(1))
        do {
            _ = try LokiPushDecoder.decode(
                body, contentType: "application/x-protobuf", tenant: Fixtures.tenant,
                receivedAt: Fixtures.receivedAt, limit: 1 << 20)
            Issue.record("streams as a varint was accepted")
        } catch {
            #expect(error.kind == .malformed)
            #expect(error.message.contains("wire type 0"))
        }
    }

    @Test(arguments: [
        // timeseries as a varint; a sample's value as a varint (it is a double, fixed64)
        varintField(1),
        lengthDelimited(1, lengthDelimited(2, varintField(1))),
    ])
    func remoteWriteFieldsOfTheWrongWireTypeAreMalformed(body: [UInt8]) throws {
        do {
            _ = try RemoteWriteDecoder().decode(Snappy.compress(body), tenant: Fixtures.tenant, limit: 1 << 20)
            Issue.record("a remote-write field of the wrong wire type was accepted")
        } catch {
            #expect(error.kind == .malformed)
            #expect(error.message.contains("wire type 0"))
        }
    }
}
