import LumenModel
import LumenServer
import Testing

struct MetricMetadataRegistryTests {
    static let tenant = Tenant("team-a")!
    static let other = Tenant("team-b")!

    static func counter(_ name: String, help: String = "requests served") -> MetricMetadata {
        MetricMetadata(metric: name, type: .counter, help: help)
    }

    @Test func aFamilyDescribedTwiceAlikeIsHeldOnce() {
        let registry = MetricMetadataRegistry()
        registry.record([Self.counter("a_total")], tenant: Self.tenant)
        registry.record([Self.counter("a_total")], tenant: Self.tenant)
        #expect(registry.count == 1)
        #expect(registry.metadata(Self.tenant).map(\.descriptions.count) == [1])
    }

    @Test func aChangedHelpTextComesFirstAndTheOldestGoesPastTheFamilysLimit() {
        let registry = MetricMetadataRegistry()
        for version in 1...(MetricMetadataRegistry.descriptionsPerFamily + 1) {
            registry.record([Self.counter("a_total", help: "v\(version)")], tenant: Self.tenant)
        }
        let helps = registry.metadata(Self.tenant).first?.descriptions.map(\.help)
        #expect(helps == ["v5", "v4", "v3", "v2"])
        #expect(registry.metadata(Self.tenant, limitPerMetric: 1).first?.descriptions.map(\.help) == ["v5"])
    }

    @Test func tenantsSeeOnlyTheirOwnFamilies() {
        let registry = MetricMetadataRegistry()
        registry.record([Self.counter("a_total")], tenant: Self.tenant)
        registry.record([Self.counter("b_total")], tenant: Self.other)
        #expect(registry.metadata(Self.tenant).map(\.metric) == ["a_total"])
        #expect(registry.metadata(Self.other).map(\.metric) == ["b_total"])
    }

    @Test func newFamiliesPastTheCapAreDroppedAndCountedWhileKnownOnesStillUpdate() {
        let registry = MetricMetadataRegistry(capacity: 2)
        let dropped = registry.record(
            [Self.counter("a_total"), Self.counter("b_total"), Self.counter("c_total")], tenant: Self.tenant)
        #expect(dropped == 1)
        #expect(registry.dropped == 1)
        #expect(registry.metadata(Self.tenant).map(\.metric) == ["a_total", "b_total"])
        // A full tenant still takes a new description of a family it holds, replacing the oldest once full.
        registry.record([Self.counter("a_total", help: "new")], tenant: Self.tenant)
        #expect(registry.metadata(Self.tenant, metric: "a_total").first?.descriptions.first?.help == "new")
        // The cap is a tenant's: another tenant is not refused for it.
        #expect(registry.record([Self.counter("c_total")], tenant: Self.other) == 0)
    }

    @Test func limitAndMetricSelectFamiliesAsPrometheusDoes() {
        let registry = MetricMetadataRegistry()
        registry.record(["c_total", "a_total", "b_total"].map { Self.counter($0) }, tenant: Self.tenant)
        #expect(registry.metadata(Self.tenant, limit: 2).map(\.metric) == ["a_total", "b_total"])
        #expect(registry.metadata(Self.tenant, limit: 0).isEmpty)
        #expect(registry.metadata(Self.tenant, metric: "b_total").map(\.metric) == ["b_total"])
        #expect(registry.metadata(Self.tenant, metric: "nope").isEmpty)
    }
}
