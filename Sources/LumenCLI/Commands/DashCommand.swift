import ArgumentParser

/// `lumen dash`: text dashboards. `lumen dash FILE` renders one (the default subcommand); `lumen dash import`
/// converts a Grafana dashboard.
struct DashCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dash",
        abstract: "Render a text dashboard (Dashboards/*.yaml) once, live, or exported as text, Markdown or JSON.",
        discussion: """
            lumen dash Dashboards/services.yaml --watch 2s
            lumen dash Dashboards/service.yaml -v service=payment --since 30m
            lumen dash Dashboards/services.yaml --format markdown --width 120 --height 60 > report.md
            lumen dash import grafana.json > Dashboards/mine.yaml
            """,
        subcommands: [DashRenderCommand.self, DashImportCommand.self],
        defaultSubcommand: DashRenderCommand.self)
}
