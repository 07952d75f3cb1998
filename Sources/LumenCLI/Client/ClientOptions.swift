import ArgumentParser
import Foundation

/// Options every command that talks to a running server shares.
struct ClientOptions: ParsableArguments {
    @Option(name: .customLong("api"), help: "The query API's URL (or set LUMEN_API).")
    var apiURL: String = ProcessInfo.processInfo.environment["LUMEN_API"] ?? "http://127.0.0.1:9470"

    @Option(help: "The tenant to read (sent as X-Scope-OrgID).")
    var tenant: String?

    @Option(help: "table for people, json or csv for programs.")
    var output: OutputFormat = .table

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case table, json, csv
    }

    func client() throws -> APIClient {
        guard let url = URL(string: apiURL), url.scheme == "http" || url.scheme == "https" else {
            throw ValidationError("--api must be an http(s) URL, got \"\(apiURL)\"")
        }
        return APIClient(baseURL: url, tenant: tenant)
    }
}
