import Foundation
import NIOCore

/// Builds the body of an OTLP/HTTP success response: `ExportXxxServiceResponse`, empty when everything was
/// accepted, with `partial_success` when some items were refused, in the request's format.
public enum OTLPResponse {
    public static func encode(_ signal: OTLPSignal, rejected: Int, message: String, format: OTLPFormat) -> ByteBuffer {
        let data: Data
        switch signal {
        case .traces:
            var response = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse()
            if rejected > 0 || !message.isEmpty {
                response.partialSuccess = .with {
                    $0.rejectedSpans = Int64(rejected)
                    $0.errorMessage = message
                }
            }
            data = OTLPEncoder.serialize(response, format: format)
        case .logs:
            var response = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse()
            if rejected > 0 || !message.isEmpty {
                response.partialSuccess = .with {
                    $0.rejectedLogRecords = Int64(rejected)
                    $0.errorMessage = message
                }
            }
            data = OTLPEncoder.serialize(response, format: format)
        case .metrics:
            var response = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse()
            if rejected > 0 || !message.isEmpty {
                response.partialSuccess = .with {
                    $0.rejectedDataPoints = Int64(rejected)
                    $0.errorMessage = message
                }
            }
            data = OTLPEncoder.serialize(response, format: format)
        }
        var buffer = ByteBufferAllocator().buffer(capacity: data.count)
        buffer.writeBytes(data)
        return buffer
    }
}
