import ArgumentParser
import Foundation
import LumenLoad
import LumenModel

struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Send a seeded demo workload: a small shop of services with correlated traces, logs and metrics.",
        discussion: """
            frontend → checkout → cart, and checkout → payment → database, with about 2 % of payments declined, \
            1 % failing in the database (a deadlock) and 5 % slow calls. The same --seed gives the same traces. \
            --rate 0 sends as fast as the server acknowledges.
            """)

    @Option(help: "Where to send: OTLP/HTTP at a URL or host:port (lumen serve --otlp-http), or grpc://host:port for OTLP/gRPC (grpcs:// in TLS).")
    var endpoint = "http://127.0.0.1:4318"

    @Option(name: .customLong("ca-file"), help: "PEM CA certificates to verify an https:// or grpcs:// endpoint with, instead of the system's.")
    var caFile: String?

    @Option(help: "Simulated shop requests per second (0: as fast as possible).")
    var rate: Double = 20

    @Option(help: "How long to run (e.g. 30s, 5m).")
    var duration = "30s"

    @Option(help: "Stop after this many requests instead of after --duration.")
    var count: Int?

    @Option(help: "The workload's random seed.")
    var seed: UInt64 = 42

    @Option(help: "Requests in flight at once.")
    var concurrency = 8

    @Option(name: .customLong("batch-size"), help: "Shop requests per OTLP request when --rate is 0.")
    var batchSize = 100

    @Flag(help: "Compress request bodies with gzip.")
    var gzip = false

    @Option(help: "The tenant to write as (X-Scope-OrgID).")
    var tenant: String?

    @Flag(help: "Send --duration of traffic at --rate as fast as possible, timestamped over the past --duration (to fill a store with history, e.g. an hour for the dashboards).")
    var backfill = false

    @Flag(help: "No progress lines, only the summary.")
    var quiet = false

    @OptionGroup var outputOptions: OutputOptions

    func run() async throws {
        let overGRPC = endpoint.hasPrefix("grpc://") || endpoint.hasPrefix("grpcs://")
        guard let url = overGRPC ? URL(string: endpoint) : ServerAddress.url(endpoint) else {
            throw ValidationError("--endpoint takes a URL or host:port, like http://127.0.0.1:4318; got \"\(endpoint)\"")
        }
        guard let nanoseconds = DurationText.parse(duration), nanoseconds > 0 else {
            throw ValidationError("--duration takes a duration like 30s or 5m")
        }
        var options = LoadOptions(
            endpoint: url, tenant: tenant, seed: seed, rate: rate,
            duration: count == nil ? .nanoseconds(nanoseconds) : nil, count: count, concurrency: concurrency,
            batchSize: batchSize, gzip: gzip)
        options.caFile = caFile
        if backfill {
            guard rate > 0, count == nil else { throw ValidationError("--backfill needs a --rate above 0 and no --count") }
            options.startTime = Timestamp.now() - nanoseconds
            options.paced = false
            options.metricsInterval = .seconds(15)
        }
        // OTLP/gRPC when asked; the options still need an http URL for their own checks.
        var grpc: OTLPGRPCSender? = nil
        var httpOptions = options
        if overGRPC {
            guard let host = url.host, let port = url.port else { throw ValidationError("--endpoint grpc://host:port") }
            if url.scheme == "grpcs" && caFile == nil {
                throw ValidationError("grpcs:// needs --ca-file, the CA that signed the server's certificate")
            }
            grpc = try OTLPGRPCSender(
                host: host, port: port, tenant: tenant, gzip: gzip, caFile: url.scheme == "grpcs" ? caFile : nil)
            httpOptions.endpoint = URL(string: "http://\(host):\(port)")!
        }
        let runner: LoadRunner
        do { runner = try LoadRunner(options: httpOptions, sender: grpc) } catch { throw ValidationError("\(error)") }
        let target = count.map { "\($0) requests" } ?? duration
        let output = Output(outputOptions.output)
        // Progress is for people: a program asking for json or csv gets the summary alone.
        let quiet = self.quiet || output.format != .table
        if output.format == .table {
            print("lumen load: seed \(seed), \(rate == 0 ? "unlimited" : "\(Self.number(rate))/s") for \(target) → \(url.absoluteString)")
        }
        let connection = grpc.map { sender in Task { try await sender.start() } }
        let summary = try await runner.run { progress in
            guard !quiet else { return }
            print(Self.describe(progress))
            fflush(nil)
        }
        grpc?.stop()
        _ = await connection?.result
        let progress = summary.progress
        output.print(
            table: { Self.describe(summary) },
            json: { Data(Self.records(summary).jsonLines.utf8) }, records: { Self.records(summary) })
        if progress.failures > 0 { throw ExitCode.failure }
    }

    /// The summary for people.
    static func describe(_ summary: LoadSummary) -> String {
        let progress = summary.progress
        var text = """
            done in \(number(summary.elapsed.seconds))s: \(progress.requestsSimulated) requests, \
            \(progress.spansAcknowledged) spans, \(progress.logsAcknowledged) logs, \
            \(progress.pointsAcknowledged) points acknowledged (\(number(summary.acknowledgedSpansPerSecond)) spans/s), \
            \(progress.failures) failures
            acknowledgement latency per POST: p50 \(DurationText.format(progress.acknowledgementLatency(quantile: 0.5).nanoseconds)), \
            p99 \(DurationText.format(progress.acknowledgementLatency(quantile: 0.99).nanoseconds))
            """
        if let failure = progress.lastFailure { text += "\nlast failure: \(failure)" }
        return text
    }

    /// The summary for programs, one row: counts, seconds and nanoseconds.
    static func records(_ summary: LoadSummary) -> Records {
        let progress = summary.progress
        let numbers: [(String, String)] = [
            ("elapsed_seconds", String(summary.elapsed.seconds)), ("requests", String(progress.requestsSimulated)),
            ("spans_acknowledged", String(progress.spansAcknowledged)),
            ("logs_acknowledged", String(progress.logsAcknowledged)),
            ("points_acknowledged", String(progress.pointsAcknowledged)), ("failures", String(progress.failures)),
            ("retries", String(progress.retries)),
            ("latency_p50_nanos", String(progress.acknowledgementLatency(quantile: 0.5).nanoseconds)),
            ("latency_p99_nanos", String(progress.acknowledgementLatency(quantile: 0.99).nanoseconds)),
        ]
        return Records(
            header: numbers.map(\.0) + ["last_failure"], rows: [numbers.map(\.1) + [progress.lastFailure ?? ""]],
            numeric: Set(numbers.map(\.0)))
    }

    static func describe(_ progress: LoadProgress) -> String {
        "  \(number(progress.elapsed.seconds))s  \(progress.requestsSimulated) requests  "
            + "\(progress.spansAcknowledged) spans  \(progress.logsAcknowledged) logs  "
            + "\(progress.pointsAcknowledged) points acknowledged"
            + (progress.failures > 0 ? "  \(progress.failures) failures" : "")
    }

    static func number(_ value: Double) -> String {
        value >= 100 ? String(Int(value.rounded())) : String((value * 10).rounded() / 10)
    }
}
