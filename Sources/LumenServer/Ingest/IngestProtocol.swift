/// How data arrived, as counted in self-telemetry's `protocol` label.
public enum IngestProtocol: String, Sendable, CaseIterable {
    case otlpHTTP = "otlp_http"
    case otlpGRPC = "otlp_grpc"
    case remoteWrite = "remote_write"
    case loki, zipkin, statsd, syslog
    /// Samples recording and alerting rules write (issue 21).
    case rules
}
