import Foundation
import LumenWire

/// One OTLP/HTTP request body ready to send, and what it carries for the progress counters.
public struct OTLPPost: Sendable {
    public enum Signal: String, Sendable {
        case traces
        case logs
        case metrics

        public var path: String { "/v1/\(rawValue)" }
    }

    public var signal: Signal
    /// The request as OTLP protobuf.
    public var body: Data
    /// Spans, log records or metric data points in the body.
    public var items: Int

    static func traces(_ requests: [ShopRequest]) -> OTLPPost {
        let spans = requests.flatMap(\.spans)
        return OTLPPost(
            signal: .traces, body: OTLPEncoder.body(OTLPEncoder.traces(spans), format: .protobuf), items: spans.count)
    }

    static func logs(_ requests: [ShopRequest]) -> OTLPPost {
        let logs = requests.flatMap(\.logs)
        return OTLPPost(
            signal: .logs, body: OTLPEncoder.body(OTLPEncoder.logs(logs), format: .protobuf), items: logs.count)
    }

    static func metrics(_ metrics: ShopMetrics, at time: Int64) -> OTLPPost {
        OTLPPost(
            signal: .metrics, body: OTLPEncoder.body(metrics.exportRequest(at: time), format: .protobuf),
            items: metrics.pointCount)
    }
}
