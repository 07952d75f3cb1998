import ArgumentParser
import Foundation
import LumenQuery
import LumenRender

struct TraceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Show one trace from every service that touched it, with its logs under their spans.")

    @Argument(help: "The trace ID: 32 hexadecimal digits.")
    var traceID: String

    @OptionGroup var client: ClientOptions

    func run() async throws {
        let data = try await client.client().get("lumen/v1/traces/\(traceID.lowercased())")
        if client.output == .json {
            Terminal.printJSON(data)
            return
        }
        let trace = try JSONDecoder().decode(TraceResponse.self, from: data)
        if client.output == .csv {
            let rows = trace.spans.map { span in
                [span.spanId, span.parentSpanId ?? "", span.service, span.name, span.kind,
                    String(span.startTimeUnixNano), String(span.durationNanos), span.status.code]
            }
            print(CSV.render(
                header: ["span_id", "parent_span_id", "service", "name", "kind", "start_unix_nano", "duration_nanos",
                    "status"],
                rows: rows), terminator: "")
            return
        }
        let waterfall = TraceWaterfall(
            spans: trace.spans.compactMap(\.span), logs: trace.logs.map(\.record), width: Terminal.width,
            color: Terminal.useColor)
        let text = waterfall.render()
        print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
    }
}
