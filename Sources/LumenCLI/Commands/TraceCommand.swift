import ArgumentParser
import Foundation
import LumenModel
import LumenQuery
import LumenRender

struct TraceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Show one trace from every service that touched it, with its logs under their spans.",
        discussion: """
            lumen trace 9b567d448577d27025f3a1c0e2b4d6f8
            lumen trace 9b567d44          the start of an ID, as git takes a commit: the one trace of the last \
            --since (24h) whose ID starts so; several are listed
            """)

    @Argument(help: "The trace ID (32 hexadecimal digits), or its first digits (at least 4).")
    var traceID: String

    @Option(help: "How far back a shortened ID is looked for (e.g. 24h, 7d).")
    var since = "24h"

    @OptionGroup var client: ClientOptions

    /// The most traces read to resolve a shortened ID: the server's default ceiling on a query's limit.
    static let prefixSearchLimit = 5000

    func validate() throws {
        if DurationText.parse(since) == nil { throw ValidationError("--since takes a duration like 24h") }
    }

    func run() async throws {
        let api = try client.client()
        let prefix = try TraceIDPrefix(traceID)
        let id = prefix.isWholeID ? prefix.digits : try await resolve(prefix, api: api)
        let data = try await api.get("lumen/v1/traces/\(id)")
        let trace = try JSONDecoder().decode(TraceResponse.self, from: data)
        client.output.print(
            table: {
                TraceWaterfall(
                    spans: trace.spans.compactMap(\.span), logs: trace.logs.map(\.record), width: Terminal.width,
                    color: Terminal.useColor, cutsText: Terminal.isTerminal
                ).render()
            },
            json: { data }, records: { Self.records(trace) })
    }

    /// The whole ID of the one trace of the last `--since` whose ID starts with the prefix, found by a span
    /// search over every span of the window (`{duration >= 0ns}`: a span query needs a condition).
    private func resolve(_ prefix: TraceIDPrefix, api: APIClient) async throws -> String {
        let data = try await api.get(
            "lumen/v1/query", query: ["query": "{duration >= 0ns}", "since": since, "limit": String(Self.prefixSearchLimit)])
        let traces = try JSONDecoder().decode(QueryResponse.self, from: data).traces ?? []
        return try prefix.resolve(among: traces.map(\.traceId), searched: "of the last \(since)")
    }

    static func records(_ trace: TraceResponse) -> Records {
        Records(
            header: ["span_id", "parent_span_id", "service", "name", "kind", "start_unix_nano", "duration_nanos",
                "status"],
            rows: trace.spans.map { span in
                [span.spanId, span.parentSpanId ?? "", span.service, span.name, span.kind,
                    String(span.startTimeUnixNano), String(span.durationNanos), span.status.code]
            },
            numeric: ["start_unix_nano", "duration_nanos"])
    }
}
