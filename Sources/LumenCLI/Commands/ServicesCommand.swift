import ArgumentParser
import Foundation
import LumenModel
import LumenQuery
import LumenRender

struct ServicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "services",
        abstract: "Show the service graph: who calls whom, how often, how often it fails and how slowly.",
        discussion: """
            Built from the spans of the range: an edge caller → callee for every span whose parent span is in \
            another service; a service's own figures from its server and root spans. RATE/S is calls per second \
            over the time each edge or service was seen (its first call to its last, at least a second), not \
            the whole range, so a load that ran 30 s of the last 5 m shows its own rate.
            """)

    @Option(help: "Look back this far from now (e.g. 15m, 1h).")
    var since = "1h"

    @Option(parsing: .unconditional, help: "The range's start instead: RFC 3339, Unix seconds, or relative like -2h.")
    var from: String?

    @Option(parsing: .unconditional, help: "The range's end: RFC 3339, Unix seconds, now, or relative (default now).")
    var to: String?

    @OptionGroup var client: ClientOptions

    func validate() throws {
        if DurationText.parse(since) == nil { throw ValidationError("--since takes a duration like 15m") }
        try TimeArgument.validate(from: from, to: to)
    }

    func run() async throws {
        var parameters = ["since": since]
        if let from {
            parameters = ["start": TimeArgument.unixSeconds(from)!]
        }
        parameters["end"] = to.flatMap { TimeArgument.unixSeconds($0) }
        let data = try await client.client().get("lumen/v1/service-graph", query: parameters)
        let graph = try JSONDecoder().decode(ServiceGraphResponse.self, from: data).data
        client.output.print(
            table: {
                let (edges, services) = Self.tables(graph)
                guard !edges.isEmpty || !services.isEmpty else {
                    return from == nil ? "no spans in the last \(since)" : "no spans in that range"
                }
                return "CALLS BETWEEN SERVICES\n" + edges.render(maxWidth: Terminal.tableWidth)
                    + "\n\nSERVICES\n" + services.render(maxWidth: Terminal.tableWidth) + "\n\n" + Self.rateFootnote
            },
            json: { data }, records: { Self.records(graph) })
    }

    static let rateFootnote =
        "RATE/S: calls per second from the first call to the last of each (at least 1 s), not over the whole range."

    static func tables(_ graph: ServiceGraphResponse.Data) -> (edges: TextTable, services: TextTable) {
        let figures: [TextTable.Column] = [
            .init("CALLS", alignment: .right), .init("ERRORS", alignment: .right), .init("RATE/S", alignment: .right),
            .init("ERROR %", alignment: .right), .init("P50", alignment: .right), .init("P95", alignment: .right),
            .init("P99", alignment: .right),
        ]
        var edges = TextTable(columns: [.init("CALLER"), .init("CALLEE")] + figures)
        for edge in graph.edges { edges.append([edge.caller, edge.callee] + row(edge.stats)) }
        var services = TextTable(columns: [.init("SERVICE")] + figures)
        for service in graph.services { services.append([service.service] + row(service.stats)) }
        return (edges, services)
    }

    /// One table for programs: edges (`kind` edge, caller and callee) then services (`kind` service, the
    /// service as callee); raw numbers, latencies in seconds, `rate` over `rate_seconds` (see `CallStats`).
    static func records(_ graph: ServiceGraphResponse.Data) -> Records {
        func numbers(_ stats: CallStats) -> [String] {
            [String(stats.calls), String(stats.errors)]
                + [stats.rate, stats.rateSeconds, stats.errorRatio, stats.p50, stats.p95, stats.p99]
                .map(PrometheusNumber.format)
        }
        let rows = graph.edges.map { ["edge", $0.caller, $0.callee] + numbers($0.stats) }
            + graph.services.map { ["service", "", $0.service] + numbers($0.stats) }
        let numeric = ["calls", "errors", "rate", "rate_seconds", "error_ratio", "p50", "p95", "p99"]
        return Records(header: ["kind", "caller", "callee"] + numeric, rows: rows, numeric: Set(numeric))
    }

    private static func row(_ stats: CallStats) -> [String] {
        [
            String(stats.calls), String(stats.errors), String(format: "%.3f", stats.rate),
            String(format: "%.2f", stats.errorRatio * 100), latency(stats.p50), latency(stats.p95), latency(stats.p99),
        ]
    }

    private static func latency(_ seconds: Double) -> String {
        DurationText.format(Int64((seconds * 1e9).rounded()))
    }
}
