import Foundation

/// How the load runner delivers one OTLP request: over HTTP by default (`OTLPHTTPSender`), or any other
/// transport a caller plugs in (the CLI plugs in gRPC from LumenGRPC).
public protocol OTLPSender: Sendable {
    /// Sends one request, retrying what its protocol says is worth retrying; never throws.
    func send(_ post: OTLPPost) async -> OTLPSendOutcome
}

public struct OTLPSendOutcome: Sendable {
    public var acknowledged: Bool
    public var retries: Int
    public var failure: String?

    public init(acknowledged: Bool, retries: Int, failure: String?) {
        self.acknowledged = acknowledged
        self.retries = retries
        self.failure = failure
    }
}
