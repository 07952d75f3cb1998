import ArgumentParser
import Foundation

/// Options every command that talks to a running server shares.
struct ClientOptions: ParsableArguments {
    @Option(
        name: .customLong("api"),
        help: "The query API: a URL or host:port (or set LUMEN_API; default http://127.0.0.1:9470).")
    var apiURL: String = ProcessInfo.processInfo.environment["LUMEN_API"] ?? "http://127.0.0.1:9470"

    @Option(help: "The tenant to read (sent as X-Scope-OrgID).")
    var tenant: String?

    @OptionGroup var outputOptions: OutputOptions

    var output: Output { Output(outputOptions.output) }

    /// A client of the API; it reads `--tenant` when given, else `fallbackTenant` (a dashboard file's own).
    func client(tenant fallbackTenant: String? = nil) throws -> APIClient {
        guard let url = ServerAddress.url(apiURL) else {
            throw ValidationError("--api takes a URL or host:port, like http://127.0.0.1:9470; got \"\(apiURL)\"")
        }
        return APIClient(baseURL: url, tenant: tenant ?? fallbackTenant)
    }
}
