import ArgumentParser
import Foundation
import LumenModel
import LumenRender
import LumenRules

/// `lumen alerts`: the alerts pending and firing now, firing first and longest active first, as Prometheus'
/// `/api/v1/alerts` lists them.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "Show the alerts pending and firing now.",
        discussion: """
            Reads /api/v1/alerts of the tenant (--tenant). A selector keeps the alerts whose labels it matches; \
            a bare name is the alert's name: lumen alerts 'HighErrorRate{service="cart"}'.
            """)

    @Argument(help: "Only the alerts this selector matches: {severity=\"page\"}, HighErrorRate{service=\"cart\"}.")
    var selector: String?

    @Option(help: "Only alerts in this state: firing or pending.")
    var state: ActiveAlert.State?

    @OptionGroup var client: ClientOptions

    func validate() throws {
        if let selector { _ = try AlertsFetch.matchers(selector) }
    }

    func run() async throws {
        let fetched = try await AlertsFetch(client: client.client()).alerts(matching: selector)
            .filter { state == nil || $0.state == state?.rawValue }
        let alerts = fetched.compactMap(AlertsFetch.activeAlert).sorted(by: ActiveAlert.byImportance)
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        client.output.print(
            table: {
                guard !alerts.isEmpty else { return "no alerts pending or firing" }
                var table = TextTable(columns: [
                    .init("STATE"), .init("ALERT"), .init("ACTIVE FOR", alignment: .right),
                    .init("VALUE", alignment: .right), .init("LABELS", overflow: .wrap), .init("SUMMARY", overflow: .wrap),
                ])
                for alert in alerts {
                    table.append([
                        alert.state.rawValue, alert.name, alert.activeFor(at: now), alert.value, alert.labelText,
                        alert.summary ?? "",
                    ])
                }
                return table.render(maxWidth: Terminal.tableWidth)
            },
            json: { Self.json(fetched) },
            records: {
                Records(
                    header: ["state", "alertname", "active_at", "value", "labels", "summary"],
                    rows: alerts.map {
                        [$0.state.rawValue, $0.name, $0.activeAt.map(String.init) ?? "", $0.value, $0.labelText,
                         $0.summary ?? ""]
                    },
                    numeric: ["active_at"])
            })
    }

    /// The server's answer, less the alerts the selector and state left out.
    static func json(_ alerts: [RulesAPIJSON.Alert]) -> Data {
        struct Answer: Encodable {
            struct Alerts: Encodable { var alerts: [RulesAPIJSON.Alert] }
            var status = "success"
            var data: Alerts
        }
        return (try? JSONEncoder().encode(Answer(data: .init(alerts: alerts)))) ?? Data()
    }
}

extension ActiveAlert.State: ExpressibleByArgument {}
