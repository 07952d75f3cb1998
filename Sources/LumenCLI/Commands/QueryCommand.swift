import ArgumentParser
import Foundation
import LumenModel
import LumenQuery
import LumenRender

struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Ask one question of metrics, logs or spans.",
        discussion: """
            Metrics (PromQL selector):  lumen query 'http_server_requests_total{service="cart"}'
                                        lumen query 'http_server_requests_total' --since 30m --step 1m
            Logs (newest first):        lumen query '{service="payment", severity>="warn"} |= "declined"'
            Logs, parsed:               lumen query '{service="cart"} | json | status >= 500'
            Log metrics:                lumen query 'sum by (service) (rate({severity="error"}[1m]))'
            Traces:                     lumen query '{service="database" && duration > 100ms}'
                                        lumen query '{service="frontend"} >> {status=error} | count() > 1'
            Traces of log lines:        lumen query 'traces({service="cart"} |= "timeout")'
            A time range:               --since 1h, or --from -2h --to -1h, or RFC 3339 times
            """)

    @Argument(help: "The query.")
    var query: String

    @Option(help: "Look back this far from now (e.g. 15m, 1h). Metrics give a range with --step.")
    var since: String?

    @Option(help: "For metrics over --since: evaluate every step (e.g. 30s, 1m).")
    var step: String?

    @Option(parsing: .unconditional,
        help: "Evaluate at this time instead of now: RFC 3339, Unix seconds, or relative like -5m.")
    var time: String?

    // Unconditional, so a relative time like -15m is read as the value rather than as an option.
    @Option(parsing: .unconditional, help: "The range's start: RFC 3339, Unix seconds, or relative like -15m.")
    var from: String?

    @Option(parsing: .unconditional,
        help: "The range's end: RFC 3339, Unix seconds, now, or relative like -5m (default now).")
    var to: String?

    @Option(help: "The most log lines or traces to show.")
    var limit = 50

    @OptionGroup var client: ClientOptions

    func validate() throws {
        if step != nil && since == nil && from == nil {
            throw ValidationError("--step needs --since or --from (the range to evaluate)")
        }
        if since != nil && from != nil { throw ValidationError("give --since or --from, not both") }
        try TimeArgument.validate(from: from, to: to, time: time)
        if let since, DurationText.parse(since) == nil { throw ValidationError("--since takes a duration like 15m") }
        if let step, DurationText.parse(step) == nil { throw ValidationError("--step takes a duration like 30s") }
        if limit <= 0 { throw ValidationError("--limit must be positive") }
    }

    func run() async throws {
        var parameters = ["query": query, "limit": String(limit)]
        parameters["since"] = since
        parameters["step"] = step
        parameters["time"] = time.flatMap { TimeArgument.unixSeconds($0) }
        parameters["start"] = from.flatMap { TimeArgument.unixSeconds($0) }
        parameters["end"] = to.flatMap { TimeArgument.unixSeconds($0) }
        let data: Data
        do {
            data = try await client.client().get("lumen/v1/query", query: parameters)
        } catch let failure as APIClient.Failure {
            throw APIClient.Failure(description: QueryErrorCaret.render(query: query, message: failure.description))
        }
        let response = try JSONDecoder().decode(QueryResponse.self, from: data)
        for warning in response.warnings ?? [] { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        client.output.print(
            table: {
                let text = QueryTable.render(response, query: query, width: Terminal.tableWidth)
                return text.isEmpty ? "no results" : text
            },
            json: { data }, records: { QueryTable.records(response) })
    }
}
