import Foundation
import Testing

@testable import LumenRender

struct GrafanaImportTests {
    static func imported() throws -> GrafanaImport.Result {
        try GrafanaImport.convert(Golden.fixture("grafana-shop.json"))
    }

    @Test func convertsEverySupportedPanelWithItsTargetsUnitsAndThresholds() throws {
        let result = try Self.imported()
        let panels = result.dashboard.panels
        #expect(panels.map(\.type) == [.timeseries, .stat, .gauge, .bargauge, .heatmap, .table, .logs])
        #expect(panels[0].queries?.map(\.legend) == ["{{service}}", "total"])
        #expect(panels[0].options.unit == .reqps && panels[0].options.decimals == 1)
        #expect(
            panels[1].query?.hasPrefix("sum(rate(http_server_requests_total{http_response_status_code=~\"5..\"}")
                == true)
        #expect(panels[1].options.thresholds == [Threshold(nil, .green), Threshold(0.05, .red)])
        #expect(panels[2].options.reduce == .mean && panels[2].options.min == 0 && panels[2].options.max == 1)
        #expect(panels[3].options.reduce == .max)
        #expect(panels[6].query == "{service=\"payment\"} |= \"declined\"")
    }

    @Test func keepsTheGridAcrossAndStretchesRowsIntoLines() throws {
        let panels = try Self.imported().dashboard.panels
        #expect((panels[0].x, panels[0].y, panels[0].width, panels[0].height) == (0, 2, 12, 12))
        #expect((panels[1].x, panels[1].y, panels[1].width, panels[1].height) == (12, 2, 6, 6))
        #expect((panels[3].y, panels[3].height) == (8, 6))
    }

    @Test func listsWhatItCouldNotConvert() throws {
        let result = try Self.imported()
        #expect(
            result.skipped == [
                "\"Runbook\" (text): Lumen has no text panel",
                "\"Traffic share\" (piechart): Lumen has no piechart panel",
                "\"Empty panel\" (timeseries): no PromQL or LogQL target to convert",
            ])
        #expect(result.notes.contains("\"Error ratio\": threshold colour \"#EAB839\" has no Lumen name; dropped"))
        #expect(result.notes.contains("\"Routes\": percentage thresholds were kept as absolute values"))
    }

    @Test func anAlertListKeepsItsLabelFilterAndMaxItems() throws {
        let json = #"""
            {"title": "Alerts", "panels": [
              {"type": "alertlist", "title": "Paging", "gridPos": {"x": 0, "y": 0, "w": 24, "h": 4},
               "options": {"maxItems": 5, "alertInstanceLabelFilter": "{severity=\"page\"}",
                           "stateFilter": {"firing": true, "pending": true}}},
              {"type": "alertlist", "title": "All", "gridPos": {"x": 0, "y": 4, "w": 24, "h": 4}, "options": {}}
            ]}
            """#
        let panels = try GrafanaImport.convert(Data(json.utf8)).dashboard.panels
        #expect(panels.map(\.type) == [.alertlist, .alertlist])
        #expect(panels[0].query == "{severity=\"page\"}" && panels[0].options.limit == 5)
        #expect(panels[1].query == nil && panels[1].queries == nil && panels[1].options.limit == nil)
    }

    @Test func carriesVariablesTimeAndRefresh() throws {
        let dashboard = try Self.imported().dashboard
        #expect(dashboard.title == "Shop overview")
        #expect(dashboard.time == .init(since: "6h"))
        #expect(dashboard.refresh == "30s")
        let variables = dashboard.variables ?? []
        #expect(variables.map(\.name) == ["datasource", "service", "interval", "env"])
        #expect(
            variables[1] == Variable(name: "service", type: .query, label: "service", includeAll: true, default: "all"))
        #expect(variables[2].values == ["1m", "5m", "10m", "30m"] && variables[2].default == "5m")
        #expect(variables[3] == Variable(name: "env", type: .constant, value: "demo"))
    }

    @Test func theResultIsADashboardFileLumenReadsBack() throws {
        let dashboard = try Self.imported().dashboard
        let yaml = try DashboardWriter.yaml(dashboard)
        Golden.check(yaml, "grafana-import.yaml")
        #expect(try DashboardLoader.load(yaml: yaml) == dashboard)
    }

    @Test func somethingThatIsNotADashboardIsRefused() {
        #expect(throws: GrafanaImport.Failure.self) {
            try GrafanaImport.convert(Array("[1, 2]".utf8).withUnsafeBytes { .init($0) })
        }
    }
}
