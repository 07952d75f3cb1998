import AsyncHTTPClient
import Foundation
import LumenModel
import LumenWire
import NIOCore
import Synchronization

/// POSTs OTLP protobuf bodies with AsyncHTTPClient, retrying what the protocol says is worth retrying.
///
/// 429 and 503 are retried after the server's `Retry-After` (seconds) or, without one, an exponential
/// backoff from 250 ms; so are transport failures (refused connection, timeout). Any other non-2xx answer
/// fails at once: retrying a 400 cannot fix the body. Retrying stops early when it cannot help the run: past
/// the run's `deadline`, and once ``attemptsBeforeGivingUp`` attempts have failed without a single request
/// acknowledged (the server is down, or is not an OTLP receiver, or refuses everything).
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
    /// No retry starts after this instant (the run's end and a little grace); `nil`: `maxRetries` only.
    let deadline: ContinuousClock.Instant?
    private let client: HTTPClient
    /// Attempts acknowledged and failed so far, over every request of the run.
    private let attempts = Mutex((acknowledged: 0, failed: 0))

    static let maximumBackoff: Duration = .seconds(5)
    /// Failed attempts, none acknowledged, after which no request is retried.
    static let attemptsBeforeGivingUp = 3

    init(options: LoadOptions, deadline: ContinuousClock.Instant? = nil) {
        self.deadline = deadline
        endpoint = options.endpoint
        tenant = options.tenant
        gzip = options.gzip
        maxRetries = options.maxRetries
        timeout = options.requestTimeout
        client = LoadHTTPClient.make(connections: options.concurrency, caFile: options.caFile)
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
                    attempts.withLock { $0.acknowledged += 1 }
                    return Outcome(acknowledged: true, retries: retries, failure: nil)
                }
                let message = FailureText.message(answer, contentType: response.headers.first(name: "Content-Type"))
                failure = answered(status, response.status.reasonPhrase, post: post) + (message.isEmpty ? "" : ": " + message)
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
                failure = "cannot reach \(endpoint.absoluteString): \(FailureText.transport(error)); "
                    + "is `lumen serve` running, and --endpoint its OTLP/HTTP address (default http://127.0.0.1:4318)?"
                retryAfter = nil
            }
            let hopeless = attempts.withLock { counts in
                counts.failed += 1
                return counts.acknowledged == 0 && counts.failed >= Self.attemptsBeforeGivingUp
            }
            let backoff = min(retryAfter ?? .milliseconds(250) * (1 << min(retries, 10)), Self.maximumBackoff)
            let pastDeadline = deadline.map { ContinuousClock.now + backoff > $0 } ?? false
            guard retries < maxRetries, !hopeless, !pastDeadline else {
                return Outcome(
                    acknowledged: false, retries: retries,
                    failure: failure + (retries > 0 ? " — tried \(retries + 1) times" : ""))
            }
            do {
                try await Task.sleep(for: backoff)
            } catch {
                return Outcome(acknowledged: false, retries: retries, failure: "POST \(post.signal.path) cancelled")
            }
            retries += 1
        }
    }

    /// `127.0.0.1:4318 answered 503 Service Unavailable to POST /v1/traces: `, and for a 404 or 405 what was
    /// expected there: the OTLP/HTTP receiver, not the query API or another server.
    private func answered(_ status: Int, _ reason: String, post: OTLPPost) -> String {
        let server = "\(endpoint.host ?? "?")\(endpoint.port.map { ":\($0)" } ?? "")"
        var text = "\(server) answered \(status) \(reason) to POST \(post.signal.path)"
        if status == 404 || status == 405 {
            text += " (is it Lumen's OTLP/HTTP receiver? `lumen serve` listens for OTLP on :4318 by default, "
                + "for queries on :9470)"
        }
        return text
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
