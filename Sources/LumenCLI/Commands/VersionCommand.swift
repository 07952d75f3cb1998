import ArgumentParser
import Foundation
import LumenServer

/// `lumen version` (and `lumen --version`): what this binary is — the same build information a server built
/// from it answers at `/api/v1/status/buildinfo`.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print the version, commit and build date of this binary.")

    @OptionGroup var outputOptions: OutputOptions

    func run() {
        let build = BuildInfo.current
        Output(outputOptions.output).print(
            table: { build.line },
            json: { Data(build.records.jsonLines.utf8) }, records: { build.records })
    }
}

extension BuildInfo {
    /// `lumen 0.1.0 (revision 3f2a…, branch main, built 2026-12-06T16:59:00Z, swift6.2)`.
    var line: String {
        "lumen \(version) (revision \(revision), branch \(branch), built \(buildDate), \(compilerVersion))"
    }

    /// One row, named in snake_case as every command's rows are.
    var records: Records {
        Records(
            header: ["version", "revision", "branch", "build_date", "compiler"],
            rows: [[version, revision, branch, buildDate, compilerVersion]])
    }
}
