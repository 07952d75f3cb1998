import Foundation
import LumenModel
import NIOCore
import SwiftProtobuf

/// Decodes OTLP/HTTP export bodies into a `Batch`. Pure: no I/O, no shared state, safe from any thread.
///
/// The body must already be decompressed (`ContentEncoding.decode`). A body that cannot be parsed throws
/// `WireError` (.malformed), as does a protobuf field whose wire type is not its schema's (`WireTypeCheck`); items that parse but are invalid — bad IDs, delta temporality, exponential
/// histograms — are left out and counted in the result, so the rest of the request is still ingested.
public enum OTLPDecoder {
    public static func decode(
        _ signal: OTLPSignal, body: ByteBuffer, format: OTLPFormat, tenant: Tenant, receivedAt: Int64
    ) throws(WireError) -> DecodeResult {
        let bytes = Data(body.readableBytesView)
        switch signal {
        case .traces:
            var request = try parse(OTLPTraceRequest.self, bytes, format: format, signal: signal)
            if format == .json { OTLPJSON.fixIDs(&request, OTLPJSON.decodedID) }
            return traces(request, tenant: tenant)
        case .logs:
            var request = try parse(OTLPLogsRequest.self, bytes, format: format, signal: signal)
            if format == .json { OTLPJSON.fixIDs(&request, OTLPJSON.decodedID) }
            return logs(request, tenant: tenant, receivedAt: receivedAt)
        case .metrics:
            var request = try parse(OTLPMetricsRequest.self, bytes, format: format, signal: signal)
            if format == .json { OTLPJSON.fixIDs(&request, OTLPJSON.decodedID) }
            return metrics(request, tenant: tenant)
        }
    }

    /// Maps an already parsed trace request (the gRPC path has one).
    public static func traces(_ request: OTLPTraceRequest, tenant: Tenant) -> DecodeResult {
        var rejections = Rejections()
        let spans = TraceMapping.spans(request, rejections: &rejections)
        return DecodeResult(
            batch: Batch(tenant: tenant, spans: spans), rejected: rejections.count,
            rejectionMessage: rejections.message(noun: "spans"))
    }

    /// Maps an already parsed logs request (the gRPC path has one).
    public static func logs(_ request: OTLPLogsRequest, tenant: Tenant, receivedAt: Int64) -> DecodeResult {
        var rejections = Rejections()
        let logs = LogMapping.logs(request, receivedAt: receivedAt, rejections: &rejections)
        return DecodeResult(
            batch: Batch(tenant: tenant, logs: logs), rejected: rejections.count,
            rejectionMessage: rejections.message(noun: "log records"))
    }

    /// Maps an already parsed metrics request (the gRPC path has one).
    public static func metrics(_ request: OTLPMetricsRequest, tenant: Tenant) -> DecodeResult {
        var rejections = Rejections()
        let series = MetricMapping.series(request, rejections: &rejections)
        return DecodeResult(
            batch: Batch(tenant: tenant, series: series, metadata: MetricMapping.metadata(request)),
            rejected: rejections.count,
            rejectionMessage: rejections.message(noun: "data points"))
    }

    private static func parse<Request: SwiftProtobuf.Message>(
        _ type: Request.Type, _ bytes: Data, format: OTLPFormat, signal: OTLPSignal
    ) throws(WireError) -> Request {
        let name = String(describing: Request.protoMessageName.split(separator: ".").last ?? "request")
        let request: Request
        do {
            switch format {
            case .protobuf:
                request = try Request(serializedBytes: bytes)
            case .json:
                var options = JSONDecodingOptions()
                options.ignoreUnknownFields = true
                return try Request(jsonUTF8Data: bytes, options: options)
            }
        } catch {
            let form = format == .json ? "OTLP/JSON" : "OTLP/protobuf"
            throw .malformed("body of \(signal.path) is not a valid \(form) \(name): \(error)")
        }
        try WireTypeCheck.check(request, name: "body of \(signal.path) (OTLP/protobuf \(name))")
        return request
    }
}
