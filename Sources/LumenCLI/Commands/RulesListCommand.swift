import ArgumentParser
import Foundation
import LumenModel
import LumenRender
import LumenRules

/// `lumen rules` (`lumen rules list`): the rule groups a server runs for the tenant, rule by rule: kind, state
/// and alerts of alerting rules, health, when it last ran and how long it took, and the last error.
struct RulesListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Show the rules a server evaluates, with their state and health.")

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case alert, record
    }

    @Option(help: "Only alerting (alert) or recording (record) rules.")
    var type: Kind?

    @Option(help: "Only the group of this name.")
    var group: String?

    @OptionGroup var client: ClientOptions

    struct Answer: Decodable {
        var data: RulesAPIJSON.RuleDiscovery
    }

    func run() async throws {
        var parameters: [String: String] = [:]
        parameters["type"] = type?.rawValue
        parameters["rule_group[]"] = group
        let raw = try await client.client().get("api/v1/rules", query: parameters)
        let groups = try JSONDecoder().decode(Answer.self, from: raw).data.groups
        let now = Date().timeIntervalSince1970
        client.output.print(
            table: { Self.table(groups, now: now) }, json: { raw },
            records: {
                Records(
                    header: [
                        "group", "file", "rule", "type", "state", "alerts", "health", "last_evaluation",
                        "evaluation_seconds", "last_error", "query",
                    ],
                    rows: groups.flatMap { group in
                        group.rules.map { rule in
                            [
                                group.name, group.file, rule.name, rule.type, rule.state ?? "",
                                rule.alerts.map { String($0.count) } ?? "", rule.health,
                                AlertsFetch.nanoseconds(rule.lastEvaluation).map(String.init) ?? "",
                                String(rule.evaluationTime), rule.lastError ?? "", rule.query,
                            ]
                        }
                    },
                    numeric: ["alerts", "last_evaluation", "evaluation_seconds"])
            })
    }

    static func table(_ groups: [RulesAPIJSON.Group], now: TimeInterval) -> String {
        guard !groups.isEmpty else { return "no rules (lumen serve --rules FILE loads them)" }
        var table = TextTable(columns: [
            .init("GROUP"), .init("RULE"), .init("TYPE"), .init("STATE"), .init("HEALTH"),
            .init("LAST RUN", alignment: .right), .init("TOOK", alignment: .right),
        ])
        var errors: [String] = []
        for group in groups {
            for rule in group.rules {
                let state = rule.state.map { state in
                    let count = rule.alerts?.count ?? 0
                    return count > 0 ? "\(state) (\(count))" : state
                } ?? "-"
                let last = AlertsFetch.nanoseconds(rule.lastEvaluation).map { nanoseconds in
                    nanoseconds <= 0 ? "never" : DurationText.format(Int64(max(0, now * 1e9 - Double(nanoseconds)))) + " ago"
                } ?? "never"
                table.append([
                    group.name, rule.name, rule.type == "alerting" ? "alert" : "record", state, rule.health, last,
                    DurationText.format(Int64(rule.evaluationTime * 1e9)),
                ])
                if let error = rule.lastError, !error.isEmpty { errors.append("\(group.name)/\(rule.name): \(error)") }
            }
        }
        var text = table.render(maxWidth: Terminal.tableWidth)
        if !errors.isEmpty { text += "\n\nERRORS\n" + errors.joined(separator: "\n") }
        return text
    }
}
