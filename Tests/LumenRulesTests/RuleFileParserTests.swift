import LumenModel
import Testing

@testable import LumenRules

/// Rule files in Prometheus' format: what is read, and what is refused with the file, the line and a reason.
struct RuleFileParserTests {
    private func error(_ text: String) -> RuleFileError? {
        do {
            _ = try RuleFileParser.parse(text, file: "rules.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func aFileWithBothKindsOfRuleReadsEveryField() throws {
        let groups = try RuleFileParser.parse(
            """
            groups:
              - name: example
                interval: 30s
                limit: 10
                query_offset: 1m
                labels:
                  team: shop
                rules:
                  - record: job:http_requests:rate5m
                    expr: sum by (job) (rate(http_requests_total[5m]))
                    labels:
                      source: rule
                  - alert: HighErrorRate
                    expr: sum by (service) (rate({severity="error"}[5m])) > 1
                    for: 10m
                    keep_firing_for: 5m
                    labels:
                      severity: page
                    annotations:
                      summary: "High error rate on {{ $labels.service }}"
            """, file: "rules.yaml")
        let group = try #require(groups.first)
        #expect(group.name == "example" && group.file == "rules.yaml" && group.line == 2)
        #expect(group.interval == 30_000_000_000 && group.limit == 10 && group.queryOffset == 60_000_000_000)
        #expect(group.labels == [RuleLabel("team", "shop")])
        #expect(group.rules.count == 2)
        let record = group.rules[0]
        #expect(record.kind == .recording && record.name == "job:http_requests:rate5m" && record.line == 9)
        let alert = group.rules[1]
        #expect(alert.kind == .alerting && alert.name == "HighErrorRate" && alert.line == 13)
        #expect(alert.holdDuration == 600_000_000_000 && alert.keepFiringFor == 300_000_000_000)
        #expect(alert.annotations == [RuleLabel("summary", "High error rate on {{ $labels.service }}")])
    }

    @Test func anEmptyFileHoldsNoGroups() throws {
        #expect(try RuleFileParser.parse("", file: "empty.yaml").isEmpty)
        #expect(try RuleFileParser.parse("groups: []\n", file: "empty.yaml").isEmpty)
    }

    @Test func anExpressionThatDoesNotParseIsRefusedAtItsLine() throws {
        let failure = try #require(error("groups:\n  - name: g\n    rules:\n      - record: r\n        expr: sum(rate(x[5m])\n"))
        #expect(failure.line == 5)
        #expect(failure.reason.hasPrefix("could not parse expression"))
        #expect(failure.description.hasPrefix("rules.yaml:5: could not parse expression"))
    }

    @Test func anUnknownKeyIsRefusedNamingTheKnownOnes() throws {
        let failure = try #require(error("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        fro: 5m\n"))
        #expect(failure.line == 6)
        #expect(failure.reason.contains("field fro not found"))
    }

    @Test func aRepeatedGroupNameIsRefused() throws {
        let failure = try #require(error("groups:\n  - name: g\n    rules: []\n  - name: g\n    rules: []\n"))
        #expect(failure.line == 4 && failure.reason.contains("repeated in the same file"))
    }

    @Test func aRecordingRuleWithForOrAnnotationsIsRefused() throws {
        let withFor = try #require(error("groups:\n  - name: g\n    rules:\n      - record: r\n        expr: up\n        for: 1m\n"))
        #expect(withFor.line == 6 && withFor.reason == "invalid field 'for' in recording rule")
        let badName = try #require(error("groups:\n  - name: g\n    rules:\n      - record: 'bad-name'\n        expr: up\n"))
        #expect(badName.line == 4 && badName.reason == "invalid recording rule name: bad-name")
    }

    @Test func aRuleNeedsExactlyOneOfRecordAndAlertAndAnExpression() throws {
        #expect(try #require(error("groups:\n  - name: g\n    rules:\n      - expr: up\n")).reason
            == "one of 'record' or 'alert' must be set")
        #expect(try #require(error("groups:\n  - name: g\n    rules:\n      - record: a\n        alert: b\n        expr: up\n")).reason
            == "only one of 'record' and 'alert' must be set")
        #expect(try #require(error("groups:\n  - name: g\n    rules:\n      - alert: a\n")).reason
            == "field 'expr' must be set in rule")
    }

    @Test func labelNamesAndDurationsAreChecked() throws {
        let label = try #require(error("groups:\n  - name: g\n    rules:\n      - alert: a\n        expr: up\n        labels:\n          1x: y\n"))
        #expect(label.line == 7 && label.reason == "invalid label name: 1x")
        let duration = try #require(error("groups:\n  - name: g\n    interval: 5 minutes\n    rules: []\n"))
        #expect(duration.line == 3 && duration.reason.contains("not a valid duration"))
    }

    @Test func aLogQueryThatReturnsLinesIsRefusedButALogMetricQueryIsARule() throws {
        let lines = try #require(error("groups:\n  - name: g\n    rules:\n      - alert: a\n        expr: '{service=\"cart\"} |= \"x\"'\n"))
        #expect(lines.line == 5 && lines.reason.contains("not a number per series"))
        let range = try #require(error("groups:\n  - name: g\n    rules:\n      - alert: a\n        expr: up[5m]\n"))
        #expect(range.reason.contains("range vector"))
        let groups = try RuleFileParser.parse(
            "groups:\n  - name: g\n    rules:\n      - alert: a\n        expr: 'sum by (service) (count_over_time({severity=\"error\"}[5m])) > 1'\n",
            file: "logs.yaml")
        #expect(groups.first?.rules.first?.query.type == .vector)
    }

    @Test func invalidYAMLNamesItsLine() throws {
        let failure = try #require(error("groups:\n  - name: g\n    rules: [\n"))
        #expect(failure.line > 0 && failure.reason.hasPrefix("invalid YAML"))
    }

    @Test func prometheusDurationsParseAndFormatAsPrometheusDoes() {
        #expect(PrometheusDuration.parse("1h30m") == 5_400_000_000_000)
        #expect(PrometheusDuration.parse("0") == 0)
        #expect(PrometheusDuration.parse("500ms") == 500_000_000)
        #expect(PrometheusDuration.parse("30m1h") == nil)
        #expect(PrometheusDuration.parse("1.5h") == nil)
        #expect(PrometheusDuration.parse("99999999999999y") == nil)
        #expect(PrometheusDuration.format(5_400_000_000_000) == "1h30m")
        #expect(PrometheusDuration.format(90 * 86_400_000_000_000) == "90d")
        #expect(PrometheusDuration.format(14 * 86_400_000_000_000) == "2w")
    }
}
