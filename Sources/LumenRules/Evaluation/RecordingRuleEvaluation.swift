import LumenModel
import LumenQuery

/// What a recording rule makes of its expression's result (Prometheus' `RecordingRule.Eval`): each series
/// renamed to the rule's name, the group's and then the rule's labels set on it (an empty value removes the
/// label), stamped at `sampleTime`.
public enum RecordingRuleEvaluation {
    public struct DuplicateLabels: Error, CustomStringConvertible {
        public var description: String { "vector contains metrics with the same labelset after applying rule labels" }
    }

    public struct LimitExceeded: Error, CustomStringConvertible {
        public let limit: Int
        public let count: Int
        public var description: String { "exceeded limit of \(limit) with \(count) series" }
    }

    public static func samples(
        _ result: [InstantSample], rule: Rule, groupLabels: [RuleLabel], sampleTime: Int64, limit: Int
    ) throws -> [TimeSeries] {
        var seen: Set<Labels> = []
        var series: [TimeSeries] = []
        series.reserveCapacity(result.count)
        for element in result {
            var builder = element.labels.labels
            builder.append(Label(Labels.metricName, rule.name))
            for label in groupLabels + rule.labels { builder.append(Label(label.name, label.value)) }
            let labels = Labels(builder)
            guard seen.insert(labels).inserted else { throw DuplicateLabels() }
            series.append(TimeSeries(labels: labels, samples: [Sample(timestamp: sampleTime, value: element.sample.value)]))
        }
        if limit > 0, series.count > limit { throw LimitExceeded(limit: limit, count: series.count) }
        return series
    }
}
