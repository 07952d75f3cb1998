import Foundation
import LumenModel
import Testing

@testable import LumenRender

/// No size breaks a dashboard: every shipped dashboard and every panel type, over a grid of sizes down to what
/// a 20×5 terminal leaves a panel, draws without trapping, in at most the lines it was given, every line
/// within the width, and colour changes no visible cell.
struct RenderAtAnySizeTests {
    // MARK: - Panels

    /// One panel type with data of one shape.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var kind: Panel.Kind
        var data: PanelData
        var options = PanelOptions()

        var testDescription: String { name }
    }

    static func point(_ t: Int64, _ v: Double) -> ChartSeries.Point {
        ChartSeries.Point(t: ChartFixture.start + t, v: v)
    }

    static let cases: [Case] = [
        Case(name: "timeseries", kind: .timeseries, data: .series(ChartFixture.latency),
             options: PanelDashboardOptions.latency),
        Case(name: "timeseries of many series", kind: .timeseries,
             data: .series(ShippedDashboardTests.perService(low: 2, high: 6))),
        Case(name: "timeseries of no series", kind: .timeseries, data: .series([])),
        Case(name: "timeseries of one point", kind: .timeseries,
             data: .series([ChartSeries(name: "one", points: [point(0, 3)])])),
        Case(name: "timeseries of NaN", kind: .timeseries,
             data: .series([ChartSeries(name: "nan", points: [point(0, .nan), point(60, .nan)])])),
        Case(name: "timeseries of extremes", kind: .timeseries,
             data: .series([
                 ChartSeries(name: "far", points: [point(0, -1e308), point(1, 1e308), point(2, .infinity)])
             ])),
        Case(name: "timeseries with fixed equal bounds", kind: .timeseries, data: .series(ChartFixture.latency),
             options: PanelOptions(min: 1, max: 1)),
        Case(name: "stat", kind: .stat, data: .series(ShippedDashboardTests.perService(low: 2, high: 6)),
             options: PanelOptions(unit: .reqps)),
        Case(name: "stat of one series", kind: .stat, data: .series([ChartFixture.wave("p95", low: 0.1, high: 0.3)]),
             options: PanelOptions(unit: .seconds)),
        Case(name: "gauge", kind: .gauge, data: .series([ChartFixture.wave("cpu", low: 20, high: 85)]),
             options: PanelOptions(unit: .percent, thresholds: [Threshold(nil, .green), Threshold(70, .red)])),
        Case(name: "gauge of many series", kind: .gauge,
             data: .series(ShippedDashboardTests.perService(low: 0.1, high: 0.9)),
             options: PanelOptions(unit: .ratio, min: 0.5, max: 0.5)),
        Case(name: "bargauge", kind: .bargauge,
             data: .series(ShippedDashboardTests.perService(low: 0.001, high: 0.012)),
             options: PanelOptions(unit: .ratio, min: 0, max: 0.1, sortDescending: true)),
        Case(name: "bargauge with equal bounds", kind: .bargauge,
             data: .series(ShippedDashboardTests.perService(low: 1, high: 2)), options: PanelOptions(min: 3, max: 3)),
        Case(name: "heatmap", kind: .heatmap, data: .series(ChartFixture.buckets),
             options: PanelOptions(unit: .seconds)),
        Case(name: "heatmap with a tiny fixed peak", kind: .heatmap, data: .series(ChartFixture.buckets),
             options: PanelOptions(max: .leastNonzeroMagnitude)),
        Case(name: "heatmap of one bucket", kind: .heatmap, data: .series(Array(ChartFixture.buckets.suffix(1)))),
        Case(name: "heatmap without buckets", kind: .heatmap, data: .series(ChartFixture.latency)),
        Case(name: "table", kind: .table, data: .table(ChartFixture.table),
             options: PanelOptions(sortBy: "p95", sortDescending: true)),
        Case(name: "table of series", kind: .table, data: .series(ShippedDashboardTests.perService(low: 1, high: 2))),
        Case(name: "table without rows", kind: .table, data: .table(TableData(columns: ["a"], rows: []))),
        Case(name: "logs", kind: .logs, data: .logs(ChartFixture.logs)),
        Case(name: "logs without lines", kind: .logs, data: .logs([])),
        Case(name: "trace", kind: .trace, data: .trace(spans: TraceFixture.spans, logs: TraceFixture.logs),
             options: PanelOptions(traceLogs: true)),
        Case(name: "trace without spans", kind: .trace, data: .trace(spans: [], logs: [])),
        Case(name: "service graph", kind: .servicegraph, data: .serviceGraph(ChartFixture.graph)),
        Case(name: "service graph of a cycle", kind: .servicegraph,
             data: .serviceGraph(ServiceGraph(edges: [
                 ChartFixture.edge("a", "b", calls: 10, errors: 1, rate: 1, p95: 0.1),
                 ChartFixture.edge("b", "a", calls: 10, errors: 0, rate: 1, p95: 0.1),
                 ChartFixture.edge("c", "d", calls: 10, errors: 0, rate: 1, p95: 0.1),
                 ChartFixture.edge("d", "c", calls: 10, errors: 0, rate: 1, p95: 0.1),
             ], services: []))),
        Case(name: "service graph of lone services", kind: .servicegraph,
             data: .serviceGraph(ServiceGraph(edges: [], services: ChartFixture.graph.services))),
        Case(name: "alert list", kind: .alertlist, data: .alerts(ChartFixture.alerts)),
        Case(name: "alert list without alerts", kind: .alertlist, data: .alerts([])),
        Case(name: "error", kind: .timeseries, data: .error("bad query: unexpected ) at column 12")),
        Case(name: "mismatch", kind: .logs, data: .series([])),
    ]

    static let panelWidths = Array(1...24) + [28, 32, 40, 50, 64, 80, 120, 200]
    static let panelHeights = Array(1...12) + [14, 16, 20, 24, 40, 60]

    @Test(arguments: cases)
    func panelDrawsWithinEverySize(_ one: Case) {
        for width in Self.panelWidths {
            for height in Self.panelHeights {
                let plain = PanelGoldenTests.draw(one.kind, one.data, one.options, width: width, height: height)
                let colored = PanelGoldenTests.draw(
                    one.kind, one.data, one.options, width: width, height: height, style: PanelGoldenTests.color)
                let size = "\(width)×\(height)"
                #expect(plain.count <= height, "\(size): \(plain.count) lines")
                #expect(plain.allSatisfy { VisibleText.width($0) <= width }, "\(size): \(plain)")
                #expect(plain.contains { $0.contains { $0 != " " } }, "\(size): nothing drawn")
                #expect(plain.allSatisfy { !$0.contains("\u{1B}") }, "\(size)")
                #expect(colored.map(VisibleText.plain) == plain, "\(size)")
            }
        }
    }

    enum PanelDashboardOptions {
        static let latency = PanelOptions(unit: .seconds, thresholds: [Threshold(nil, .green), Threshold(0.25, .red)])
    }

    // MARK: - Dashboards

    static var shippedNames: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: ShippedDashboardTests.directory.path)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func view(_ name: String) throws -> DashboardView {
        let url = ShippedDashboardTests.directory.appendingPathComponent(name + ".yaml")
        let dashboard = try DashboardLoader.load(yaml: try String(contentsOf: url, encoding: .utf8))
        let templater = try Templater.resolve(
            dashboard.variables ?? [], overrides: [:], labelValues: [:], interval: "30s", range: "1h")
        return DashboardView(
            title: templater.title(dashboard.title), subtitle: "fixture data · last 1h",
            columns: dashboard.gridColumns,
            items: dashboard.panels.map {
                .init(panel: $0, title: templater.title($0.title), data: ShippedDashboardTests.fixtureData($0))
            },
            start: ChartFixture.start, end: ChartFixture.end)
    }

    static let dashboardWidths = Array(stride(from: 20, through: 200, by: 10)) + [21, 25, 33, 59, 61, 79, 81, 99]
    static let dashboardHeights: [Int?] = [nil, 4, 5, 6, 7, 8, 9, 10, 12, 15, 18, 20, 24, 30, 40, 50, 60]

    @Test func everyDashboardIsShipped() {
        #expect(Self.shippedNames.count >= 5)
    }

    @Test(arguments: shippedNames)
    func shippedDashboardDrawsWithinEverySize(_ name: String) throws {
        let view = try Self.view(name)
        for width in Self.dashboardWidths {
            for height in Self.dashboardHeights {
                let size = "\(width)×\(height.map(String.init) ?? "-")"
                let text = view.render(.text, width: width, height: height)
                let ansi = view.render(.ansi, width: width, height: height)
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                if let height { #expect(lines.count <= height, "\(size): \(lines.count) lines") }
                #expect(lines.allSatisfy { $0.count <= width }, "\(size)")
                #expect(lines.dropFirst().contains { $0.contains { $0 != " " } }, "\(size): nothing drawn")
                #expect(!text.contains("\u{1B}"), "\(size)")
                #expect(VisibleText.plain(ansi) == text, "\(size)")
            }
        }
    }
}

/// What a panel leaves out for lack of room, it says: `+N more` instead of a silently shorter list.
extension RenderAtAnySizeTests {
    @Test func timeSeriesOfOneOrTwoRowsLabelsTheTopAndBottom() {
        let data = PanelData.series(ChartFixture.latency)
        for height in 1...4 {
            let lines = PanelGoldenTests.draw(
                .timeseries, data, PanelDashboardOptions.latency, width: 40, height: height)
            #expect(lines.first?.hasPrefix("300ms┤") == true, "height \(height)")
            if height >= 3 { #expect(lines[height - 2].hasPrefix("   0s┤"), "height \(height)") }
        }
    }

    @Test func barGaugeSaysHowManyRowsDidNotFit() {
        let data = PanelData.series(ShippedDashboardTests.perService(low: 1, high: 2))
        let lines = PanelGoldenTests.draw(.bargauge, data, width: 40, height: 3)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("frontend") && lines[1].hasPrefix("checkout"))
        #expect(lines[2] == "+3 more")
    }

    @Test func serviceGraphSaysHowManyCallsDidNotFit() {
        let lines = PanelGoldenTests.draw(.servicegraph, .serviceGraph(ChartFixture.graph), width: 56, height: 4)
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix("frontend"))
        #expect(lines[3] == "+3 more")
    }

    @Test func serviceGraphDrawsEveryCycleAndLoneService() {
        let cycles = ServiceGraph(
            edges: [
                ChartFixture.edge("a", "b", calls: 10, errors: 1, rate: 1, p95: 0.1),
                ChartFixture.edge("b", "a", calls: 10, errors: 0, rate: 1, p95: 0.1),
                ChartFixture.edge("c", "d", calls: 10, errors: 0, rate: 1, p95: 0.1),
                ChartFixture.edge("d", "c", calls: 10, errors: 0, rate: 1, p95: 0.1),
            ],
            services: [
                .init(service: "cron", calls: 5, errors: 0, rate: 1, errorRatio: 0, p50: 0.1, p95: 0.1, p99: 0.1)
            ])
        let lines = PanelGoldenTests.draw(.servicegraph, .serviceGraph(cycles), width: 40, height: 20)
        #expect(lines.dropFirst().map { $0.split(separator: " ").first.map(String.init) } == [
            "cron", "a", "└─▶", "└─▶", "c", "└─▶", "└─▶",
        ])
        #expect(lines.contains { $0.hasPrefix("    └─▶ a ↺") })
        #expect(lines.contains { $0.hasPrefix("    └─▶ c ↺") })
    }

    @Test func tableAndStatSayHowManyRowsAndSeriesDidNotFit() {
        let table = PanelGoldenTests.draw(.table, .table(ChartFixture.table), width: 40, height: 3)
        #expect(table.count == 3)
        #expect(table[2] == "+2 more rows")
        let stat = PanelGoldenTests.draw(
            .stat, .series(ShippedDashboardTests.perService(low: 1, high: 2)), width: 40, height: 3)
        #expect(stat[1].contains("+3 more"))
    }

    @Test func servicesOverviewAt80x24SaysWhatItLeavesOut() throws {
        let lines = try Self.view("services").render(.text, width: 80, height: 24)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 24)
        let errorRatio = try #require(lines.firstIndex { $0.contains("Error ratio by service") })
        let graph = try #require(lines.firstIndex { $0.contains("Service graph") })
        for top in [errorRatio, graph] {
            let box = lines[(top + 1)...].prefix { !$0.contains("╰──────") }
            #expect(box.last?.contains("more") == true, "\(box)")
        }
    }

    @Test func aDashboardTooTallForTheScreenSaysHowManyPanelsAreLeftOut() throws {
        let lines = try Self.view("service").render(.text, width: 60, height: 15)
            .split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 15)
        #expect(lines.last == "+1 more panels · 16 lines needed")
        let tiny = try Self.view("service").render(.text, width: 20, height: 3)
            .split(separator: "\n", omittingEmptySubsequences: false)
        #expect(tiny.last == "too small: 16 lines…")
    }
}
