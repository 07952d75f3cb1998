import Foundation
import LumenModel
import LumenQuery
import Yams

/// A rule unit-test file in promtool's format (`promtool test rules`): rule files, an evaluation interval,
/// and test groups of input series in the expanding notation with the alerts and query results expected.
public struct RuleTestFile: Decodable, Sendable {
    public var ruleFiles: [String]
    public var evaluationInterval: String?
    public var groupEvalOrder: [String]?
    public var tests: [TestGroup]

    enum CodingKeys: String, CodingKey {
        case ruleFiles = "rule_files", evaluationInterval = "evaluation_interval", groupEvalOrder = "group_eval_order"
        case tests
    }

    public struct TestGroup: Decodable, Sendable {
        public var interval: String?
        public var inputSeries: [InputSeries]?
        public var alertRuleTests: [AlertRuleTest]?
        public var promqlExprTests: [ExprTest]?
        public var externalLabels: [String: String]?
        public var externalURL: String?
        public var name: String?

        enum CodingKeys: String, CodingKey {
            case interval, inputSeries = "input_series", alertRuleTests = "alert_rule_test"
            case promqlExprTests = "promql_expr_test", externalLabels = "external_labels"
            case externalURL = "external_url", name
        }
    }

    public struct InputSeries: Decodable, Sendable {
        public var series: String
        public var values: String
    }

    public struct AlertRuleTest: Decodable, Sendable {
        public var evalTime: String
        public var alertname: String
        public var expAlerts: [ExpectedAlert]?

        enum CodingKeys: String, CodingKey {
            case evalTime = "eval_time", alertname, expAlerts = "exp_alerts"
        }
    }

    public struct ExpectedAlert: Decodable, Sendable {
        public var expLabels: [String: String]?
        public var expAnnotations: [String: String]?

        enum CodingKeys: String, CodingKey {
            case expLabels = "exp_labels", expAnnotations = "exp_annotations"
        }
    }

    public struct ExprTest: Decodable, Sendable {
        public var expr: String
        public var evalTime: String
        public var expSamples: [ExpectedSample]?

        enum CodingKeys: String, CodingKey {
            case expr, evalTime = "eval_time", expSamples = "exp_samples"
        }
    }

    public struct ExpectedSample: Decodable, Sendable {
        public var labels: String
        public var value: Double
    }

    public static func parse(_ text: String, file: String) throws(RuleFileError) -> RuleTestFile {
        do {
            return try YAMLDecoder().decode(RuleTestFile.self, from: text)
        } catch let error as DecodingError {
            throw RuleFileError(file: file, line: 0, reason: "\(Self.describe(error))")
        } catch {
            throw RuleFileError(file: file, line: 0, reason: "\(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field \(key.stringValue) at \(path(context.codingPath))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
