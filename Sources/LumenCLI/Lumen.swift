import ArgumentParser

@main
struct Lumen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lumen",
        abstract: "Lumen: one backend for spans, metrics and logs.",
        discussion: """
            Start a server with `lumen serve`, feed it with `lumen load` (or any OpenTelemetry SDK), \
            then ask it questions with `lumen query` and `lumen trace`, or watch it with `lumen dash`.
            """,
        subcommands: [
            ServeCommand.self, LoadCommand.self, QueryCommand.self, TraceCommand.self, PromQLTestCommand.self,
            BenchCommand.self, DashCommand.self,
        ])
}
