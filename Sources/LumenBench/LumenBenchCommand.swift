import ArgumentParser
import Foundation
import LumenEngine
import LumenModel

/// `lumen-bench …`: the measurements behind `docs/BENCHMARKS.md`, run by the scripts in `Scripts/bench/`, and
/// `lumen-bench promqltest`. Tools of the project, kept out of the `lumen` a user runs.
@main
struct LumenBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lumen-bench",
        abstract: "Benchmarks behind docs/BENCHMARKS.md (run by Scripts/bench/*.sh), and promqltest.",
        subcommands: [
            MetricBlockBenchCommand.self, RemoteWriteBenchCommand.self, LogBlockBenchCommand.self,
            LogQueriesBenchCommand.self, MetricMergeBenchCommand.self,
            SpanBlockBenchCommand.self, SpanQueriesBenchCommand.self, HeadMemoryBenchCommand.self,
            CutMemoryBenchCommand.self,
            PromQLTestCommand.self,
        ])

    /// Prints one result as a line of JSON with sorted keys, what the `Scripts/bench/` scripts parse.
    static func printJSON(_ object: [String: Any]) throws {
        let json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: json, as: UTF8.self))
    }
}
