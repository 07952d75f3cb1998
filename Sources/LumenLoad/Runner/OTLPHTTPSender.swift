import Foundation
import LumenWire
import NIOCore

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// POSTs OTLP protobuf bodies with `URLSession`, retrying what the protocol says is worth retrying.
///
/// 429 and 503 are retried after the server's `Retry-After` (seconds) or, without one, an exponential
/// backoff from 250 ms; so are transport failures (refused connection, timeout). Any other non-2xx answer
/// fails at once: retrying a 400 cannot fix the body.
struct OTLPHTTPSender: OTLPSender {
    typealias Outcome = OTLPSendOutcome

    let endpoint: URL
    let tenant: String?
    let gzip: Bool
    let maxRetries: Int
    let timeout: Duration
    private let session: URLSession

    static let maximumBackoff: Duration = .seconds(5)

    init(options: LoadOptions) {
        endpoint = options.endpoint
        tenant = options.tenant
        gzip = options.gzip
        maxRetries = options.maxRetries
        timeout = options.requestTimeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = max(1, options.concurrency)
        configuration.timeoutIntervalForRequest = options.requestTimeout.seconds
        session = URLSession(configuration: configuration)
    }

    func send(_ post: OTLPPost) async -> Outcome {
        let request: URLRequest
        do {
            request = try urlRequest(post)
        } catch {
            return Outcome(acknowledged: false, retries: 0, failure: "\(post.signal.path): could not gzip the body: \(error)")
        }
        var retries = 0
        while true {
            let retryAfter: Duration?
            let failure: String
            do {
                let (data, response) = try await session.data(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if (200..<300).contains(status) {
                    return Outcome(acknowledged: true, retries: retries, failure: nil)
                }
                failure = "POST \(post.signal.path) answered \(status): \(Self.excerpt(data))"
                guard status == 429 || status == 503 else {
                    return Outcome(acknowledged: false, retries: retries, failure: failure)
                }
                retryAfter = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Retry-After")
                    .flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                    .map { .seconds(max(0, $0)) }
            } catch {
                if Task.isCancelled {
                    return Outcome(acknowledged: false, retries: retries, failure: "POST \(post.signal.path) cancelled")
                }
                failure = "POST \(post.signal.path) to \(endpoint.absoluteString) failed: \(error.localizedDescription)"
                retryAfter = nil
            }
            guard retries < maxRetries else {
                return Outcome(acknowledged: false, retries: retries, failure: failure + " (gave up after \(retries) retries)")
            }
            let backoff = retryAfter ?? .milliseconds(250) * (1 << min(retries, 10))
            do {
                try await Task.sleep(for: min(backoff, Self.maximumBackoff))
            } catch {
                return Outcome(acknowledged: false, retries: retries, failure: "POST \(post.signal.path) cancelled")
            }
            retries += 1
        }
    }

    private func urlRequest(_ post: OTLPPost) throws -> URLRequest {
        var request = URLRequest(url: endpoint.appendingPathComponent(post.signal.path))
        request.httpMethod = "POST"
        request.timeoutInterval = timeout.seconds
        request.setValue("application/x-protobuf", forHTTPHeaderField: "Content-Type")
        if let tenant { request.setValue(tenant, forHTTPHeaderField: "X-Scope-OrgID") }
        if gzip {
            let compressed = try ContentEncoding.encode(ByteBuffer(bytes: post.body), encoding: "gzip")
            request.httpBody = Data(compressed.readableBytesView)
            request.setValue("gzip", forHTTPHeaderField: "Content-Encoding")
        } else {
            request.httpBody = post.body
        }
        return request
    }

    /// The start of a response body, for an error message.
    private static func excerpt(_ data: Data) -> String {
        let text = String(decoding: data.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "(empty body)" : text
    }
}
