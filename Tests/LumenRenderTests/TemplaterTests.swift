import Testing

@testable import LumenRender

struct TemplaterTests {
    static let variables = [
        Variable(name: "service", type: .query, label: "service", includeAll: true),
        Variable(name: "service_name", type: .constant, value: "cart"),
        Variable(name: "window", type: .interval, values: ["1m", "5m"]),
    ]

    static func resolve(_ overrides: [String: String] = [:]) throws -> Templater {
        try Templater.resolve(
            variables, overrides: overrides, labelValues: ["service": ["cart", "payment"]],
            interval: "30s", range: "1h")
    }

    @Test func substitutesDollarAndBracedNamesLongestFirst() throws {
        let templater = try Self.resolve()
        #expect(
            templater.apply("rate(x{s=~\"$service\"}[$window]) $service_name ${service}x $__interval $__range")
                == "rate(x{s=~\"cart|payment\"}[1m]) cart cart|paymentx 30s 1h")
        #expect(templater.apply("cost in $ and $unknown") == "cost in $ and $unknown")
    }

    @Test func overridesWinAndUnknownOverridesAreErrors() throws {
        #expect(try Self.resolve(["service": "cart", "window": "5m"]).apply("$service $window") == "cart 5m")
        #expect(throws: DashboardError.self) { try Self.resolve(["servise": "cart"]) }
    }

    @Test func autoIntervalTakesTheStep() throws {
        let templater = try Templater.resolve(
            [Variable(name: "i", type: .interval, default: "auto")], overrides: [:],
            labelValues: [:], interval: "15s", range: "1h")
        #expect(templater.apply("$i") == "15s")
    }

    @Test func legendsTakeLabelsThenVariables() throws {
        let templater = try Self.resolve(["service": "cart"])
        #expect(templater.legend("{{ route }} on $service", labels: ["route": "/cart"], query: "q") == "/cart on cart")
        #expect(templater.legend(nil, labels: ["__name__": "up", "job": "a"], query: "q") == "up{job=\"a\"}")
        #expect(templater.legend(nil, labels: [:], query: "sum(x)") == "sum(x)")
    }
}

extension TemplaterTests {
    @Test func titlesSayAllWhereQueriesGetEveryValue() throws {
        let templater = try Self.resolve()
        #expect(templater.title("Service $service") == "Service all")
        #expect(templater.apply("Service $service") == "Service cart|payment")
    }
}
