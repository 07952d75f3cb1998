import GRPCCore
import LumenModel
import LumenWire
import SwiftProtobuf

/// `opentelemetry.proto.collector.trace.v1.TraceService/Export`.
struct TraceExportService: Opentelemetry_Proto_Collector_Trace_V1_TraceService.ServiceProtocol {
    let export: GRPCExport

    func export(
        request: ServerRequest<OTLPTraceRequest>, context: ServerContext
    ) async throws -> ServerResponse<Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse> {
        let outcome = try await export.ingest(request) { OTLPDecoder.traces($0, tenant: $1) }
        var response = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse()
        if outcome.rejected > 0 || !outcome.messages.isEmpty {  // a warning rejects nothing (OTLP's convention)
            response.partialSuccess.rejectedSpans = Int64(outcome.rejected)
            response.partialSuccess.errorMessage = outcome.message
        }
        return ServerResponse(message: response)
    }
}

/// `opentelemetry.proto.collector.metrics.v1.MetricsService/Export`.
struct MetricsExportService: Opentelemetry_Proto_Collector_Metrics_V1_MetricsService.ServiceProtocol {
    let export: GRPCExport

    func export(
        request: ServerRequest<OTLPMetricsRequest>, context: ServerContext
    ) async throws -> ServerResponse<Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse> {
        let outcome = try await export.ingest(request) { OTLPDecoder.metrics($0, tenant: $1) }
        var response = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse()
        if outcome.rejected > 0 || !outcome.messages.isEmpty {  // a warning rejects nothing (OTLP's convention)
            response.partialSuccess.rejectedDataPoints = Int64(outcome.rejected)
            response.partialSuccess.errorMessage = outcome.message
        }
        return ServerResponse(message: response)
    }
}

/// `opentelemetry.proto.collector.logs.v1.LogsService/Export`.
struct LogsExportService: Opentelemetry_Proto_Collector_Logs_V1_LogsService.ServiceProtocol {
    let export: GRPCExport

    func export(
        request: ServerRequest<OTLPLogsRequest>, context: ServerContext
    ) async throws -> ServerResponse<Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse> {
        let outcome = try await export.ingest(request) {
            OTLPDecoder.logs($0, tenant: $1, receivedAt: Timestamp.now())
        }
        var response = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse()
        if outcome.rejected > 0 || !outcome.messages.isEmpty {  // a warning rejects nothing (OTLP's convention)
            response.partialSuccess.rejectedLogRecords = Int64(outcome.rejected)
            response.partialSuccess.errorMessage = outcome.message
        }
        return ServerResponse(message: response)
    }
}

extension SwiftProtobuf.Message {
    /// The encoded size, for back-pressure accounting (the transport has already decoded the message).
    var serializedByteCount: Int { (try? serializedBytes() as [UInt8])?.count ?? 0 }
}
