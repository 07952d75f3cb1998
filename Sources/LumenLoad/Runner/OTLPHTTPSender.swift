import AsyncHTTPClient
import Foundation
import LumenModel
import LumenWire
import NIOCore

/// POSTs OTLP protobuf bodies with AsyncHTTPClient, retrying what the protocol says is worth retrying.
///
/// 429 and 503 are retried after the server's `Retry-After` (seconds) or, without one, an exponential
/// backoff from 250 ms; so are transport failures (refused connection, timeout). Any other non-2xx answer
/// fails at once: retrying a 400 cannot fix the body.
///
/// Lifecycle: whoever creates it calls `close()` once the last `send` has returned. AsyncHTTPClient rather than
/// `URLSession` (curl underneath on Linux), which took more CPU than the server it was loading.
final class OTLPHTTPSender: OTLPSender {
    typealias Outcome = OTLPSendOutcome

    let endpoint: URL
    let tenant: String?
    let gzip: Bool
    let maxRetries: Int
    let timeout: Duration
    private let client: HTTPClient

    static let maximumBackoff: Duration = .seconds(5)

    init(options: LoadOptions) {
        endpoint = options.endpoint
        tenant = options.tenant
        gzip = options.gzip
        maxRetries = options.maxRetries
        timeout = options.requestTimeout
        client = LoadHTTPClient.make(connections: options.concurrency)
    }

    func close() async {
        try? await client.shutdown()
    }

    func send(_ post: OTLPPost) async -> Outcome {
        let request: HTTPClientRequest
        do {
            request = try httpRequest(post)
        } catch {
            return Outcome(acknowledged: false, retries: 0, failure: "\(post.signal.path): could not gzip the body: \(error)")
        }
        var retries = 0
        while true {
            let retryAfter: Duration?
            let failure: String
            do {
                let response = try await client.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
                let answer = try await response.body.collect(upTo: 1 << 20)
                let status = Int(response.status.code)
                if (200..<300).contains(status) {
                    return Outcome(acknowledged: true, retries: retries, failure: nil)
                }
                failure = "POST \(post.signal.path) answered \(status): \(LoadHTTPClient.excerpt(answer))"
                guard status == 429 || status == 503 else {
                    return Outcome(acknowledged: false, retries: retries, failure: failure)
                }
                retryAfter = response.headers.first(name: "Retry-After")
                    .flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                    .map { .seconds(max(0, $0)) }
            } catch {
                if Task.isCancelled {
                    return Outcome(acknowledged: false, retries: retries, failure: "POST \(post.signal.path) cancelled")
                }
                failure = "POST \(post.signal.path) to \(endpoint.absoluteString) failed: \(error)"
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

    private func httpRequest(_ post: OTLPPost) throws -> HTTPClientRequest {
        var request = HTTPClientRequest(url: endpoint.appendingPathComponent(post.signal.path).absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-protobuf")
        if let tenant { request.headers.add(name: "X-Scope-OrgID", value: tenant) }
        if gzip {
            request.body = .bytes(try ContentEncoding.encode(ByteBuffer(bytes: post.body), encoding: "gzip"))
            request.headers.add(name: "Content-Encoding", value: "gzip")
        } else {
            request.body = .bytes(ByteBuffer(bytes: post.body))
        }
        return request
    }
}
