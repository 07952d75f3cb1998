import Foundation
import FuzzSupport
import LumenRender
import LumenRules
import LumenServer

/// The loaders of the files an operator writes or imports — dashboards (YAML, and Grafana's JSON model), rule
/// and rule-test files, the server's configuration — as `lumen` calls them. A bad file must be an error naming
/// what is wrong, never a crash.
enum ConfigCases {
    static let all: [FuzzCase] = [
        FuzzCase("dashboard", seeds: { ConfigSeeds.files("Dashboards", ".yaml") }) {
            guard let dashboard = try? DashboardLoader.load(yaml: text($0), file: "fuzz.yaml") else { return }
            _ = try? DashboardWriter.yaml(dashboard)
        },
        FuzzCase("grafana-import", seeds: { ConfigSeeds.files("Tests/LumenRenderTests/Golden/Fixtures", ".json") }) {
            _ = try? GrafanaImport.convert(Data($0))
        },
        FuzzCase("rules", seeds: { ConfigSeeds.files("Rules", ".yaml") }) {
            _ = try? RuleFileParser.parse(text($0), file: "fuzz.yaml")
        },
        FuzzCase("rule-tests", seeds: { ConfigSeeds.files("Rules/tests", ".yaml") }) {
            _ = try? RuleTestFile.parse(text($0), file: "fuzz_test.yaml")
        },
        FuzzCase("server-configuration", seeds: { ConfigSeeds.configurationExamples }) {
            guard let file = try? ConfigurationFile.decode(yaml: text($0), file: "lumen.yaml") else { return }
            var configuration = ServerConfiguration()
            try? file.apply(to: &configuration)
        },
    ]

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
