import ArgumentParser
import Foundation
import LumenRules

/// `lumen rules`: the rules a server runs (`list`, the default), and offline checks and unit tests of rule files.
struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Show a server's rules; check and unit-test rule files in Prometheus' format.",
        subcommands: [RulesListCommand.self, RulesCheckCommand.self, RulesTestCommand.self],
        defaultSubcommand: RulesListCommand.self)
}

/// `lumen rules check FILE…`: validates rule files offline, as `promtool check rules` does — every file parsed,
/// every expression and template checked — and exits non-zero naming the file, line and reason of each error.
struct RulesCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate rule files offline (file, line and reason for each error).")

    @Argument(help: "Rule files.")
    var files: [String]

    func run() throws {
        var failed = false
        for file in files {
            print("Checking \(file)")
            do {
                let groups = try RuleFiles.load([file])
                let count = groups.reduce(0) { $0 + $1.rules.count }
                print("  SUCCESS: \(count) rules found")
            } catch {
                failed = true
                print("  FAILED:\n\(error)")
            }
            print("")
        }
        if failed { throw ExitCode(1) }
    }
}

/// `lumen rules test FILE…`: runs rule unit tests in promtool's format (`promtool test rules`), printing as
/// promtool prints and exiting 1 when any test fails.
struct RulesTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Run rule unit tests in promtool's format.")

    @Argument(help: "Test files.")
    var files: [String]

    func run() async throws {
        var failed = false
        for file in files {
            print("Unit Testing:  \(file)")
            do {
                let result = try await RuleTestRunner().run(file: file)
                if result.passed {
                    print("  SUCCESS")
                } else {
                    failed = true
                    print("  FAILED:")
                    for failure in result.failures { print(failure) }
                }
            } catch {
                failed = true
                print("  FAILED:\n    \(error)")
            }
            print("")
        }
        if failed { throw ExitCode(1) }
    }
}
