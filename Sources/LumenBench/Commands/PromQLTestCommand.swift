import ArgumentParser
import Foundation
import LumenPromQLTest
import LumenQuery

/// `lumen-bench promqltest FILE…`: Prometheus' promqltest scripts run against Lumen's PromQL engine.
struct PromQLTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promqltest",
        abstract: "Run PromQL test scripts (Prometheus' promqltest format) against Lumen's query engine.",
        discussion: """
            Each file runs on a fresh in-memory store. Every failing evaluation is printed with file:line, \
            what was expected and what Lumen gave; the last line reads `N passed, M failed`. \
            Evaluations on native histograms are skipped and counted apart. Exits non-zero on a failure.
            """)

    @Argument(help: "Test files, like Tests/PromQL/*.test.")
    var files: [String]

    @Flag(help: "Print a pass count per file.")
    var perFile = false

    func run() throws {
        var total = PromQLTestRunner.Report()
        for path in files {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ValidationError("can't read \(path): \(error.localizedDescription)")
            }
            let file: PromQLTestFile
            do {
                file = try PromQLTestFile.parse(text, name: path)
            } catch {
                // A file Lumen can't read counts as one failure; the other files still run.
                print("\(error.message)")
                total.failed += 1
                continue
            }
            let report = PromQLTestRunner().run(file)
            for failure in report.failures { print(failure) }
            if perFile {
                print("\(path): \(report.summary), \(report.skipped) skipped")
            }
            total.merge(report)
        }
        if total.skipped > 0 { print("\(total.skipped) skipped (native histograms)") }
        if total.uncheckedAnnotations > 0 {
            print("\(total.uncheckedAnnotations) warn/info expectations not checked (Lumen emits no annotations)")
        }
        print(total.summary)
        if total.failed > 0 { throw ExitCode.failure }
    }
}
