import Foundation
import Testing

@testable import LumenRender

struct DashboardViewTests {
    static var view: DashboardView {
        let rate = Panel(
            title: "Latency", type: .timeseries, x: 0, y: 0, width: 16, height: 12, query: "q",
            options: PanelDashboardOptions.latency)
        let stat = Panel(
            title: "Requests", type: .stat, x: 16, y: 0, width: 8, height: 5, query: "q",
            options: PanelOptions(unit: .reqps))
        let table = Panel(
            title: "Slowest routes", type: .table, x: 16, y: 5, width: 8, height: 7, query: "q",
            options: PanelOptions(sortBy: "p95", sortDescending: true))
        let logs = Panel(title: "Errors", type: .logs, x: 0, y: 12, width: 24, height: 5, query: "q")
        return DashboardView(
            title: "Shop", subtitle: "last 1h", columns: 24,
            items: [
                .init(panel: rate, title: "Latency", data: .series(ChartFixture.latency)),
                .init(panel: stat, title: "Requests", data: .series([ChartFixture.wave("all", low: 10, high: 30)])),
                .init(panel: table, title: "Slowest routes", data: .table(ChartFixture.table)),
                .init(panel: logs, title: "Errors", data: .logs(ChartFixture.logs)),
            ],
            start: ChartFixture.start, end: ChartFixture.end)
    }

    enum PanelDashboardOptions {
        static let latency = PanelOptions(unit: .seconds, thresholds: [Threshold(nil, .green), Threshold(0.25, .red)])
    }

    @Test func composesPanelsOnTheGridInBorderedBoxes() {
        let text = Self.view.render(.text, width: 100)
        Golden.check(text, "dashboard")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 1 + 17)
        #expect(lines.dropFirst().allSatisfy { $0.count == 100 })
    }

    @Test func aGivenHeightStretchesTheGridRows() {
        let lines = Self.view.render(.text, width: 80, height: 35).split(
            separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 35)
    }

    @Test func textHasNoEscapesAndAnsiTheSameCells() {
        let text = Self.view.render(.text, width: 90)
        let ansi = Self.view.render(.ansi, width: 90)
        #expect(!text.contains("\u{1B}"))
        #expect(ansi.contains("\u{1B}["))
        #expect(VisibleText.plain(ansi) == text)
    }

    @Test func markdownWritesTablesAsTablesAndChartsAsCodeBlocks() {
        let markdown = Self.view.render(.markdown, width: 70)
        Golden.check(markdown, "dashboard-markdown")
        #expect(markdown.contains("| service | route | p95 |\n| --- | --- | --- |\n| payment | /charge | 480ms |"))
        #expect(!markdown.contains("\u{1B}"))
    }

    @Test func jsonCarriesEachPanelsDataWithNaNAsText() throws {
        let json = Self.view.render(.json, width: 70)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let panels = object?["panels"] as? [[String: Any]]
        #expect(panels?.map { $0["type"] as? String } == ["timeseries", "stat", "table", "logs"])
        #expect(json.contains("\"v\" : \"NaN\""))
        #expect((panels?[3]["data"] as? [String: Any])?["kind"] as? String == "logs")
    }
}
