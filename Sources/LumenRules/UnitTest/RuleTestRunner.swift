import Foundation
import LumenEngine
import LumenModel
import LumenPromQLTest
import LumenQuery

/// Runs rule unit tests as `promtool test rules` does: per test group, a fresh store with the input series,
/// every group evaluated at each multiple of the evaluation interval from 0 to the latest `eval_time` (in
/// `group_eval_order`, else file order), the firing alerts compared at each `alert_rule_test` time, and each
/// `promql_expr_test` queried at its time. Failures read as promtool writes them.
public struct RuleTestRunner: Sendable {
    public struct Result: Sendable {
        /// Per test group: the messages of what failed (empty when it passed).
        public var failures: [String] = []
        public var passed: Bool { failures.isEmpty }
    }

    public init() {}

    /// Runs one test file; `file` locates the rule files, which are relative to its directory.
    public func run(file: String) async throws(RuleFileError) -> Result {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw RuleFileError(file: file, line: 0, reason: "cannot read the file: \(error.localizedDescription)")
        }
        let testFile = try RuleTestFile.parse(text, file: file)
        let directory = (file as NSString).deletingLastPathComponent
        let patterns = testFile.ruleFiles.map { $0.hasPrefix("/") || directory.isEmpty ? $0 : directory + "/" + $0 }
        var groups = try RuleFiles.load(patterns)
        if let order = testFile.groupEvalOrder {
            groups.sort { (order.firstIndex(of: $0.name) ?? .max) < (order.firstIndex(of: $1.name) ?? .max) }
        }
        let evaluationInterval = try duration(testFile.evaluationInterval, default: 60_000_000_000, file: file)
        var result = Result()
        for test in testFile.tests {
            result.failures += try await run(test, groups: groups, evaluationInterval: evaluationInterval, file: file)
        }
        return result
    }

    private func duration(_ text: String?, default value: Int64, file: String) throws(RuleFileError) -> Int64 {
        guard let text else { return value }
        guard let parsed = PrometheusDuration.parse(text) else {
            throw RuleFileError(file: file, line: 0, reason: "not a valid duration string: \"\(text)\"")
        }
        return parsed
    }

    private func run(
        _ test: RuleTestFile.TestGroup, groups: [RuleGroup], evaluationInterval: Int64, file: String
    ) async throws(RuleFileError) -> [String] {
        let interval = try duration(test.interval, default: evaluationInterval, file: file)
        let head = Head()
        do {
            for input in test.inputSeries ?? [] {
                let labels = try PromQLTestFile.labelSet(Substring(input.series))
                let values = try SeriesNotation.values(Substring(input.values))
                head.append(Batch(series: [TimeSeries(labels: labels, samples: values.enumerated().compactMap {
                    offset, value in value.map { Sample(timestamp: Int64(offset) * interval, value: $0) }
                })]))
            }
        } catch {
            throw RuleFileError(file: file, line: 0, reason: "input_series: \(error.message)")
        }
        let externalLabels = Labels((test.externalLabels ?? [:]).map { Label($0.key, $0.value) })
        let engine = QueryEngine(store: head)
        let environment = RuleEnvironment.local(
            head: head, engine: engine, externalLabels: externalLabels, externalURL: test.externalURL ?? "")
        var settings = RuleGroupRuntime.Settings()
        settings.defaultInterval = evaluationInterval
        let runtimes = groups.map { RuleGroupRuntime($0, settings: settings, restored: true) }
        let prefix = test.name.map { "    name: \($0),\n" } ?? ""

        var alertTests: [(time: Int64, test: RuleTestFile.AlertRuleTest)] = []
        for alertTest in test.alertRuleTests ?? [] {
            alertTests.append((try duration(alertTest.evalTime, default: 0, file: file), alertTest))
        }
        var exprTests: [(time: Int64, test: RuleTestFile.ExprTest)] = []
        for exprTest in test.promqlExprTests ?? [] {
            exprTests.append((try duration(exprTest.evalTime, default: 0, file: file), exprTest))
        }
        let maxTime = (alertTests.map(\.time) + exprTests.map(\.time)).max() ?? 0
        alertTests.sort { $0.time < $1.time }

        var failures: [String] = []
        var next = 0
        var time: Int64 = 0
        while time <= maxTime {
            var errors: [String] = []
            for runtime in runtimes {
                _ = await runtime.evaluate(at: time, environment: environment)
                for rule in await runtime.status().rules where rule.health == .err {
                    errors.append("    rule: \(rule.rule.name), time: \(Self.format(time)), err: \(rule.lastError ?? "")")
                }
            }
            if !errors.isEmpty { return failures + errors }
            while next < alertTests.count, alertTests[next].time >= time, alertTests[next].time < time + evaluationInterval {
                let (at, alertTest) = alertTests[next]
                var got: [String] = []
                for runtime in runtimes {
                    for rule in await runtime.status().rules where rule.rule.kind == .alerting
                        && rule.rule.name == alertTest.alertname
                    {
                        got += rule.alerts.filter { $0.state == .firing }.map {
                            Self.describe(labels: $0.labels, annotations: $0.annotations)
                        }
                    }
                }
                let expected = (alertTest.expAlerts ?? []).map { alert in
                    var labels = alert.expLabels ?? [:]
                    labels["alertname"] = alertTest.alertname
                    return Self.describe(
                        labels: Labels(labels.map { Label($0.key, $0.value) }),
                        annotations: (alert.expAnnotations ?? [:]).map { RuleLabel($0.key, $0.value) })
                }
                if got.sorted() != expected.sorted() {
                    failures.append(prefix + "    alertname: \(alertTest.alertname), time: \(Self.format(at)), \n"
                        + "        exp:[\(expected.sorted().joined(separator: ", "))], \n"
                        + "        got:[\(got.sorted().joined(separator: ", "))]")
                }
                next += 1
            }
            time += evaluationInterval
        }
        for (at, exprTest) in exprTests {
            do {
                let query = try Parser.parse(exprTest.expr)
                guard case .metrics(let expr) = query else { throw QueryError("not a metric query") }
                let got = try RuleQuery.instant(expr, at: at, engine: engine, tenant: .anonymous)
                    .map { Self.describe(sample: $0.labels, $0.sample.value) }.sorted()
                var expected: [String] = []
                for sample in exprTest.expSamples ?? [] {
                    expected.append(Self.describe(sample: try PromQLTestFile.labelSet(Substring(sample.labels)), sample.value))
                }
                if got != expected.sorted() {
                    failures.append(prefix + "    expr: \"\(exprTest.expr)\", time: \(Self.format(at)),\n"
                        + "        exp: [\(expected.sorted().joined(separator: ", "))]\n"
                        + "        got: [\(got.joined(separator: ", "))]")
                }
            } catch {
                failures.append(prefix + "    expr: \"\(exprTest.expr)\", time: \(Self.format(at)), err: \((error as? QueryError)?.message ?? "\(error)")")
            }
        }
        return failures
    }

    static func describe(labels: Labels, annotations: [RuleLabel]) -> String {
        let annotationText = annotations.sorted { $0.name < $1.name }
            .map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ", ")
        return "(\(labels.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ", ")) {\(annotationText)})"
    }

    static func describe(sample labels: Labels, _ value: Double) -> String {
        "\(labels) \(value)"
    }

    /// A time as promtool prints it (Go's duration form: `1m0s`, `10m0s`, `0s`).
    static func format(_ nanoseconds: Int64) -> String {
        let seconds = nanoseconds / 1_000_000_000
        if seconds == 0 { return "0s" }
        let hours = seconds / 3600, minutes = seconds % 3600 / 60, rest = seconds % 60
        if hours > 0 { return "\(hours)h\(minutes)m\(rest)s" }
        if minutes > 0 { return "\(minutes)m\(rest)s" }
        return "\(rest)s"
    }
}
