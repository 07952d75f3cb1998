import ArgumentParser
import LumenServer

@main
struct Lumen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lumen",
        abstract: "Lumen: one backend for spans, metrics and logs.",
        discussion: """
            Start a server with `lumen serve`, feed it with `lumen load` (or any OpenTelemetry SDK), \
            then ask it questions with `lumen query` and `lumen trace`, follow logs with `lumen tail`, see \
            who calls whom with `lumen services`, or watch it all with `lumen dash`. Every command prints with \
            --output table|json|jsonl|csv (docs/cli.md).
            """,
        version: BuildInfo.current.line,
        subcommands: [
            ServeCommand.self, LoadCommand.self, QueryCommand.self, TraceCommand.self, TailCommand.self,
            ServicesCommand.self, DashCommand.self, VersionCommand.self, RulesCommand.self, AlertsCommand.self,
            ClusterCommand.self,
        ])
}
