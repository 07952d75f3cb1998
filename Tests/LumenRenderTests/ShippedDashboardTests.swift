import Foundation
import Testing

@testable import LumenRender

/// The dashboards shipped in Dashboards/ are valid files: every one loads, and every query variable names
/// its label. (Rendering them against `lumen load` data is the interop test's job.)
struct ShippedDashboardTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Dashboards")

    static let names = ["services", "service", "logs", "lumen", "host"]

    @Test(arguments: names)
    func shippedDashboardLoads(_ name: String) throws {
        let url = Self.directory.appendingPathComponent(name + ".yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let dashboard = try DashboardLoader.load(yaml: text, file: name + ".yaml")
        #expect(!dashboard.panels.isEmpty)
        #expect(dashboard.panels.allSatisfy { !$0.title.isEmpty })
    }
}

/// The shipped dashboards drawn from fixture data, for the examples in docs/dashboards.md where the server side
/// (span metrics, the service graph) or the data (node_exporter) is not available to a test: the files' layout
/// at a real size, every panel with data of the shape its query returns.
extension ShippedDashboardTests {
    static let services = ["frontend", "checkout", "cart", "payment", "database"]

    static func perService(low: Double, high: Double) -> [ChartSeries] {
        services.enumerated().map { index, service in
            ChartFixture.wave(
                service, low: low * Double(index + 1), high: high * Double(index + 1), phase: Double(index),
                labels: ["service": service])
        }
    }

    static func fixtureData(_ panel: Panel) -> PanelData {
        switch panel.type {
        case .servicegraph: return .serviceGraph(ChartFixture.graph)
        case .alertlist: return .alerts(ChartFixture.alerts)
        case .logs: return .logs(ChartFixture.logs)
        case .heatmap: return .series(ChartFixture.buckets)
        case .table: return .table(ChartFixture.table)
        case .trace: return .trace(spans: TraceFixture.spans, logs: TraceFixture.logs)
        default:
            let unit = panel.options.unit ?? .short
            switch unit {
            case .seconds: return .series(perService(low: 0.01, high: 0.06))
            case .percent: return .series([ChartFixture.wave("node-1:9100", low: 20, high: 85)])
            case .ratio where panel.allQueries.contains(where: { $0.expr.contains("by (service)") }):
                return .series(perService(low: 0.001, high: 0.012))
            case .ratio:
                return .series(
                    ["/", "/var", "/home"].enumerated().map {
                        ChartFixture.wave($1, low: 0.3 + 0.2 * Double($0), high: 0.35 + 0.25 * Double($0))
                    })
            case .bytes: return .series([ChartFixture.wave("node-1:9100", low: 2.1e9, high: 5.8e9)])
            case .decbytes:
                return .series([
                    ChartFixture.wave("eth0 in", low: 2e6, high: 9e6),
                    ChartFixture.wave("eth0 out", low: 1e6, high: 3e6, phase: 1),
                ])
            default: return .series(perService(low: 2, high: 6))
            }
        }
    }

    static func example(_ name: String, width: Int) throws -> String {
        let text = try String(contentsOf: directory.appendingPathComponent(name + ".yaml"), encoding: .utf8)
        let dashboard = try DashboardLoader.load(yaml: text)
        let templater = try Templater.resolve(
            dashboard.variables ?? [], overrides: [:], labelValues: [:], interval: "30s", range: "1h")
        let view = DashboardView(
            title: templater.title(dashboard.title), subtitle: "fixture data · last 1h", columns: dashboard.gridColumns,
            items: dashboard.panels.map { .init(panel: $0, title: templater.title($0.title), data: fixtureData($0)) },
            start: ChartFixture.start, end: ChartFixture.end)
        return view.render(.text, width: width)
    }

    @Test func servicesOverviewDrawsFromFixtureData() throws {
        Golden.check(try Self.example("services", width: 140), "example-services")
    }

    @Test func hostDashboardDrawsFromFixtureData() throws {
        Golden.check(try Self.example("host", width: 120), "example-host")
    }
}
