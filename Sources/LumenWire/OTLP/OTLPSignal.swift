/// The three kinds of OTLP export, named as in the HTTP paths `/v1/traces`, `/v1/metrics`, `/v1/logs`.
public enum OTLPSignal: String, Sendable, CaseIterable {
    case traces, metrics, logs

    /// The OTLP/HTTP path that receives this signal.
    public var path: String { "/v1/\(rawValue)" }
}
