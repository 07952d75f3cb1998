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
                description: "cannot reach Lumen at \(baseURL.absoluteString) (\(error.localizedDescription)); "
                    + "is `lumen serve` running? Set --api or LUMEN_API otherwise.")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            let message = (try? JSONDecoder().decode([String: String].self, from: data))?["error"]
                ?? String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(description: message.isEmpty ? "the server answered \(status)" : message)
        }
        return data
    }
}
