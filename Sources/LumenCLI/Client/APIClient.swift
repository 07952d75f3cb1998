import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small client of Lumen's HTTP API for the CLI.
struct APIClient: Sendable {
    let baseURL: URL
    let tenant: String?

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// GETs `path` and returns the body; a non-2xx answer throws the server's own error message.
    func get(_ path: String, query: [String: String] = [:]) async throws -> Data {
        var components = URLComponents(url: baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty {
            components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
            // URLComponents leaves "+" alone, but servers read it as a space.
            components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        }
        var request = URLRequest(url: components.url!)
        if let tenant { request.setValue(tenant, forHTTPHeaderField: "X-Scope-OrgID") }
        return try await send(request)
    }

    func post(_ path: String) async throws -> Data {
        var request = URLRequest(url: baseURL.appendingPathComponent(path))
        request.httpMethod = "POST"
        if let tenant { request.setValue(tenant, forHTTPHeaderField: "X-Scope-OrgID") }
        return try await send(request)
    }

    private func send(_ request: URLRequest) async throws -> Data {
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw Failure(
                description: "cannot reach Lumen at \(baseURL.absoluteString): \(Self.reason(error)); "
                    + "is `lumen serve` running? Set --api or LUMEN_API otherwise.")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            // Lumen's API says what went wrong in JSON, and for a query what kind of failure it was (`timeout`,
            // `too_large` …: QueryError.Kind); anything else is another server, or another listener.
            if let object = try? JSONDecoder().decode([String: String].self, from: data), let message = object["error"] {
                throw Failure(description: object["kind"].map { "\($0): \(message)" } ?? message)
            }
            let path = request.url?.path ?? ""
            let method = request.httpMethod ?? "GET"
            let server = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Server")
            throw Failure(
                description: await wrongServer(status: status, request: "\(method) \(path)", server: server, body: data))
        }
        return data
    }

    /// What answered instead of Lumen's query API, found by asking it for its build information (Prometheus
    /// and Lumen's query API both answer `/api/v1/status/buildinfo`; Lumen's other listeners, which say
    /// `Server: lumen`, do not), and what was expected.
    private func wrongServer(status: Int, request: String, server: String?, body: Data) async -> String {
        let answered = "\(baseURL.absoluteString) answered \(status) to \(request)"
        let expected = "--api (or LUMEN_API) must be Lumen's query API: `lumen serve --api`, http://127.0.0.1:9470 by default"
        var probe = URLRequest(url: baseURL.appendingPathComponent("api/v1/status/buildinfo"))
        probe.timeoutInterval = 5
        let found = try? await URLSession.shared.data(for: probe)
        if let data = found?.0, let info = try? JSONDecoder().decode(BuildInfoAnswer.self, from: data) {
            if info.data.goVersion.hasPrefix("go") {
                return "\(answered): that is Prometheus \(info.data.version), not Lumen. \(expected)."
            }
            return "\(answered): that is Lumen \(info.data.version), which does not know this request; "
                + "is the CLI newer than the server?"
        }
        if server?.lowercased() == "lumen" {
            return "\(answered): that looks like Lumen's OTLP receiver (`lumen serve --otlp-http`, :4318), which "
                + "takes telemetry, not queries. \(expected)."
        }
        let text = String(decoding: body.prefix(120), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return "\(answered)\(text.isEmpty ? "" : " (\"\(text)\")"): it is not Lumen's query API. \(expected)."
    }

    /// Enough of `/api/v1/status/buildinfo` to tell Prometheus from Lumen: Go's version or Swift's.
    private struct BuildInfoAnswer: Decodable {
        struct Fields: Decodable {
            let version: String
            let goVersion: String
        }
        let data: Fields
    }

    /// Why a request never got an answer, in a few words.
    private static func reason(_ error: any Error) -> String {
        switch (error as? URLError)?.code {
        case .cannotConnectToHost?: "connection refused"
        case .timedOut?: "timed out"
        case .cannotFindHost?, .dnsLookupFailed?: "unknown host"
        case .networkConnectionLost?: "the connection was closed"
        default: error.localizedDescription
        }
    }
}
