import Foundation
import Logging
import LumenEngine
import LumenServer
import NIOCore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real Lumen server on loopback ports chosen by the kernel, over a fresh data directory.
struct TestServer {
    let otlpURL: URL
    let apiURL: URL
    let statsdPort: Int?
    /// UDP and TCP share it.
    let syslogPort: Int?
    let dataDirectory: String
    private let task: Task<Void, any Error>
    private let shutdown: ServerShutdown

    /// Starts a server; reuse `dataDirectory` to restart over the same store.
    /// `readPeers`: other nodes every read also asks (a query node's fan-out without NATS).
    static func start(
        dataDirectory: String? = nil, readPeers: (any ReadPeers)? = nil,
        configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> TestServer {
        let directory = dataDirectory ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("lumen-test-\(UUID().uuidString)").path
        var configuration = ServerConfiguration()
        configuration.otlpHTTP = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.api = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.statsd = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.syslog = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.statsdFlushSeconds = 1
        configuration.dataDirectory = directory
        configure(&configuration)
        var logger = Logger(label: "test")
        logger.logLevel = .warning

        let (addresses, continuation) = AsyncStream.makeStream(of: (LumenServer.Listener, Int).self)
        let server = LumenServer(configuration: configuration, logger: logger)
        let shutdown = ServerShutdown()
        let task = Task {
            try await server.run(gracefulShutdownSignals: [], shutdown: shutdown, readPeers: readPeers) {
                listener, address in
                continuation.yield((listener, address.port ?? 0))
            }
        }
        var ports: [LumenServer.Listener: Int] = [:]
        let expected = 2 + (configuration.statsd == nil ? 0 : 1) + (configuration.syslog == nil ? 0 : 2)
        for await (listener, port) in addresses {
            ports[listener] = port
            if ports.count == expected { break }
        }
        return TestServer(
            otlpURL: URL(string: "http://127.0.0.1:\(ports[.otlpHTTP]!)")!,
            apiURL: URL(string: "http://127.0.0.1:\(ports[.api]!)")!,
            statsdPort: ports[.statsd], syslogPort: ports[.syslogUDP],
            dataDirectory: directory, task: task, shutdown: shutdown)
    }

    /// Stops the server gracefully (its log is synced) and waits until it has.
    func stop() async {
        await shutdown.trigger()
        _ = await task.result
    }

    struct HTTPResult {
        let status: Int
        let body: Data
        let headers: [String: String]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// POSTs to the OTLP listener, or to the query API with `api: true`.
    func post(_ path: String, body: Data, headers: [String: String], api: Bool = false) async throws -> HTTPResult {
        var request = URLRequest(url: (api ? apiURL : otlpURL).appendingPathComponent(path))
        request.httpMethod = "POST"
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return try await send(request)
    }

    func get(_ path: String, query: [String: String] = [:], headers: [String: String] = [:]) async throws -> HTTPResult {
        var components = URLComponents(url: apiURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty {
            components.queryItems = query.map { URLQueryItem(name: $0.key, value: $0.value) }
            // A form-encoded "+" is a space; a literal plus must travel as %2B.
            components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        }
        var request = URLRequest(url: components.url!)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return try await send(request)
    }

    private func send(_ request: URLRequest) async throws -> HTTPResult {
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            headers[String(describing: name).lowercased()] = String(describing: value)
        }
        return HTTPResult(status: http.statusCode, body: data, headers: headers)
    }
}
