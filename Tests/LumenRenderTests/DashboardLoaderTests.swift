import Foundation
import Testing

@testable import LumenRender

struct DashboardLoaderTests {
    static let valid = """
        version: 1
        title: Shop $service
        time: {since: 30m}
        refresh: 5s
        variables:
          - {name: service, type: query, label: service}
          - {name: window, type: interval, values: [1m, 5m]}
        panels:
          - title: Rate
            type: timeseries
            x: 0
            y: 0
            width: 12
            height: 10
            query: sum by (service) (rate({kind=server}[$window]))
            legend: "{{service}}"
            unit: reqps
            thresholds:
              - {color: green}
              - {value: 100, color: dark-red}
          - title: Calls
            type: servicegraph
            x: 12
            y: 0
            width: 12
            height: 10
        """

    static func error(_ yaml: String) -> DashboardError? {
        do {
            _ = try DashboardLoader.load(yaml: yaml, file: "test.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func readsPanelsVariablesDefaultsAndInlineOptions() throws {
        let dashboard = try DashboardLoader.load(yaml: Self.valid)
        #expect(dashboard.title == "Shop $service")
        #expect(dashboard.time?.since == "30m")
        #expect(dashboard.variables?.map(\.type) == [.query, .interval])
        #expect(dashboard.panels.map(\.type) == [.timeseries, .servicegraph])
        #expect(dashboard.panels[0].options.unit == .reqps)
        #expect(dashboard.panels[0].options.thresholds == [Threshold(nil, .green), Threshold(100, .red)])
        #expect(
            dashboard.panels[0].allQueries == [
                PanelQuery(expr: "sum by (service) (rate({kind=server}[$window]))", legend: "{{service}}")
            ])
        #expect(dashboard.gridColumns == 24 && dashboard.gridRows == 10)
    }

    @Test func anUnknownPanelTypeNamesItsLineAndField() {
        let error = Self.error(Self.valid.replacingOccurrences(of: "type: servicegraph", with: "type: graph"))
        #expect(error?.line == 22)
        #expect(error?.field == "panels[1].type")
        #expect(
            error?.description.hasPrefix(
                "test.yaml:22: panels[1].type: unknown panel type \"graph\"; use one of timeseries, stat") == true)
    }

    @Test func aMisspelledFieldIsAnErrorNotIgnored() {
        let error = Self.error(
            Self.valid.replacingOccurrences(of: "    height: 10\n    query:", with: "    hieght: 10\n    query:"))
        #expect(error?.field == "panels[0].hieght")
        #expect(error?.line == 14)
        #expect(error?.message.contains("unknown field") == true)
    }

    @Test func aMissingRequiredFieldIsNamed() {
        let error = Self.error(
            Self.valid.replacingOccurrences(
                of: "    width: 12\n    height: 10\n    query", with: "    height: 10\n    query"))
        #expect(error?.field == "panels[0].width")
        #expect(error?.message == "is required")
        #expect(error?.line == 9)
    }

    @Test func overlappingPanelsAndPanelsOffTheGridAreRejected() {
        let overlap = Self.error(Self.valid.replacingOccurrences(of: "    x: 12\n", with: "    x: 6\n"))
        #expect(overlap?.message.contains("overlaps the panel \"Rate\"") == true)
        let wide = Self.error(
            Self.valid.replacingOccurrences(
                of: "    width: 12\n    height: 10\n    query", with: "    width: 30\n    height: 10\n    query"))
        #expect(wide?.field == "panels[0].width")
    }

    @Test func aWrongVersionAUnitAndBadYAMLAreExplained() {
        #expect(
            Self.error(Self.valid.replacingOccurrences(of: "version: 1", with: "version: 2"))?.description
                == "test.yaml:1: version: this Lumen reads version 1 files, not 2")
        let unit = Self.error(Self.valid.replacingOccurrences(of: "unit: reqps", with: "unit: furlongs"))
        #expect(unit?.field == "panels[0].unit")
        #expect(unit?.message.contains("unknown unit \"furlongs\"") == true)
        let syntax = Self.error("version: 1\ntitle: [unclosed\n")
        #expect(syntax?.line != nil)
        #expect(syntax?.message.hasPrefix("invalid YAML") == true)
    }

    @Test func aPanelWithoutTheQueryItNeedsIsRejected() {
        let error = Self.error(
            Self.valid.replacingOccurrences(
                of: "    query: sum by (service) (rate({kind=server}[$window]))\n", with: ""))
        #expect(error?.field == "panels[0]")
        #expect(error?.message.contains("needs a query") == true)
    }

    @Test func writingAndReadingBackGivesTheSameDashboard() throws {
        let dashboard = try DashboardLoader.load(yaml: Self.valid)
        #expect(try DashboardLoader.load(yaml: try DashboardWriter.yaml(dashboard)) == dashboard)
    }
}
