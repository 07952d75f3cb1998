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
