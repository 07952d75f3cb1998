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
            Spans:                      lumen query '{service="database" && duration > 100ms}'
            """)

    @Argument(help: "The query.")
    var query: String

    @Option(help: "Look back this far from now (e.g. 15m, 1h). Metrics give a range with --step.")
    var since: String?

    @Option(help: "For metrics over --since: evaluate every step (e.g. 30s, 1m).")
    var step: String?

    @Option(help: "Evaluate at this time (Unix seconds or RFC 3339) instead of now.")
    var time: String?

    @Option(help: "The most log lines or spans to show.")
    var limit = 50

    @OptionGroup var client: ClientOptions

    func validate() throws {
        if step != nil && since == nil { throw ValidationError("--step needs --since (the range to evaluate)") }
        if let since, DurationText.parse(since) == nil { throw ValidationError("--since takes a duration like 15m") }
        if let step, DurationText.parse(step) == nil { throw ValidationError("--step takes a duration like 30s") }
        if limit <= 0 { throw ValidationError("--limit must be positive") }
    }

    func run() async throws {
        var parameters = ["query": query, "limit": String(limit)]
        parameters["since"] = since
        parameters["step"] = step
        parameters["time"] = time
        let data = try await client.client().get("lumen/v1/query", query: parameters)
        if client.output == .json {
            Terminal.printJSON(data)
            return
        }
        let response = try JSONDecoder().decode(QueryResponse.self, from: data)
        let text = QueryTable.render(response, width: Terminal.width)
        print(text.isEmpty ? "no results" : text, terminator: text.hasSuffix("\n") ? "" : "\n")
    }
}
