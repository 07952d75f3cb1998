import ArgumentParser
import Foundation
import LumenRender

/// `lumen dash import grafana.json`: a Grafana dashboard's JSON model → a Lumen dashboard file on stdout (or
/// `--output`), with the panels it could not convert listed on stderr.
struct DashImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert a Grafana dashboard (JSON) into a Lumen dashboard file, naming what could not be converted.")

    @Argument(help: "The Grafana dashboard JSON (exported from Grafana or its API).")
    var file: String

    @Option(name: .shortAndLong, help: "Write the YAML here instead of standard output.")
    var output: String?

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file)")
        }
        let result: GrafanaImport.Result
        do { result = try GrafanaImport.convert(data) } catch { throw ValidationError("\(file): \(error)") }
        let yaml =
            "# Imported from \(URL(fileURLWithPath: file).lastPathComponent) by `lumen dash import`.\n"
            + (try DashboardWriter.yaml(result.dashboard))
        if let output {
            try yaml.write(toFile: output, atomically: true, encoding: .utf8)
        } else {
            print(yaml, terminator: "")
        }
        var report = "converted \(result.dashboard.panels.count) panel\(result.dashboard.panels.count == 1 ? "" : "s")"
        report += result.skipped.isEmpty ? "; every panel converted\n" : "; not converted:\n"
        report += result.skipped.map { "  - \($0)\n" }.joined()
        if !result.notes.isEmpty { report += "notes:\n" + result.notes.map { "  - \($0)\n" }.joined() }
        FileHandle.standardError.write(Data(report.utf8))
    }
}
