import ArgumentParser
import Foundation
import Logging
import LumenServer
import NIOCore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run Lumen: receive telemetry and answer queries.")

    @Option(name: .customLong("otlp-http"), help: "Where to receive OTLP over HTTP (host:port).")
    var otlpHTTP = "0.0.0.0:4318"

    @Option(help: "Where to serve the query API (host:port).")
    var api = "127.0.0.1:9470"

    @Option(name: .customLong("data-dir"), help: "Where the store keeps its files.")
    var dataDirectory = "./lumen-data"

    @Option(name: .customLong("max-body-size"), help: "Largest request body accepted, after decompression, in MiB.")
    var maxBodyMiB = 20

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func run() async throws {
        var configuration = ServerConfiguration()
        guard let otlp = ListenAddress(otlpHTTP) else {
            throw ValidationError("--otlp-http must be host:port, got \"\(otlpHTTP)\"")
        }
        guard let apiAddress = ListenAddress(api) else { throw ValidationError("--api must be host:port, got \"\(api)\"") }
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard maxBodyMiB > 0 else { throw ValidationError("--max-body-size must be positive") }
        configuration.otlpHTTP = otlp
        configuration.api = apiAddress
        configuration.dataDirectory = dataDirectory
        configuration.maxBodyBytes = maxBodyMiB << 20

        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "lumen")
        logger.logLevel = level
        announce("Lumen \(LumenVersion.current) — data in \(URL(fileURLWithPath: dataDirectory).standardized.path)")

        try await LumenServer(configuration: configuration, logger: logger).run { listener, address in
            switch listener {
            case .otlpHTTP: announce("OTLP/HTTP  listening on \(address.hostAndPort)  (POST /v1/traces, /v1/metrics, /v1/logs)")
            case .api: announce("query API  listening on \(address.hostAndPort)  (lumen query, lumen trace; /api/v1/query)")
            }
        }
        announce("Lumen stopped cleanly.")
    }
}

/// Prints and flushes at once, so a supervisor or test reading the pipe sees where we listen.
private func announce(_ line: String) {
    print(line)
    fflush(nil)
}

extension SocketAddress {
    var hostAndPort: String {
        let host = ipAddress ?? "?"
        return (host.contains(":") ? "[\(host)]" : host) + ":" + (port.map(String.init) ?? "?")
    }
}

enum LumenVersion {
    static let current = "0.1.0"
}
