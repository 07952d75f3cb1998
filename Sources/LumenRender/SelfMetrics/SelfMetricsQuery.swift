/// The small part of PromQL a `source: self` panel evaluates itself over scraped `/metrics` samples, because
/// Lumen's own telemetry is exposed there and not stored:
///
///     metric{label="value", other!="x", code=~"a|b"}
///     sum(…)   sum by (label, …) (…)
///     rate(…[1m])            per second, between two scrapes
///     histogram_quantile(0.99, …_bucket…)
///
/// The result is one value per series at the scrape's time.
public indirect enum SelfMetricsQuery: Sendable, Equatable {
    case selector(name: String, matchers: [Matcher])
    case sum(by: [String], SelfMetricsQuery)
    case rate(SelfMetricsQuery)
    case quantile(Double, SelfMetricsQuery)

    public struct Matcher: Sendable, Equatable {
        public enum Operator: String, Sendable { case equal = "=", notEqual = "!=", matches = "=~" }
        public var label: String
        public var op: Operator
        public var value: String

        func accepts(_ labels: [String: String]) -> Bool {
            let actual = labels[label] ?? ""
            switch op {
            case .equal: return actual == value
            case .notEqual: return actual != value
            case .matches:
                return value.split(separator: "|", omittingEmptySubsequences: false).contains {
                    $0 == actual || $0 == ".*"
                }
            }
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// One series of the result: its labels and value.
    public struct Result: Sendable, Equatable {
        public var labels: [String: String]
        public var value: Double
    }

    // MARK: - Parsing

    public static func parse(_ text: String) throws(Failure) -> SelfMetricsQuery {
        var parser = Parser(rest: Substring(text))
        let query = try parser.expression()
        parser.skipSpaces()
        guard parser.rest.isEmpty else {
            throw Failure(description: "unexpected \"\(parser.rest.prefix(20))\" in \(text)")
        }
        return query
    }

    private struct Parser {
        var rest: Substring

        mutating func skipSpaces() { rest = rest.drop { $0 == " " || $0.isNewline } }

        mutating func expect(_ text: String) throws(Failure) {
            skipSpaces()
            guard rest.hasPrefix(text) else {
                throw Failure(description: "expected \"\(text)\" at \"\(rest.prefix(20))\"")
            }
            rest = rest.dropFirst(text.count)
        }

        mutating func word() -> String {
            skipSpaces()
            let word = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" || $0 == "." }
            rest = rest.dropFirst(word.count)
            return String(word)
        }

        mutating func expression() throws(Failure) -> SelfMetricsQuery {
            let name = word()
            skipSpaces()
            switch name {
            case "sum":
                var by: [String] = []
                if rest.hasPrefix("by") {
                    _ = word()
                    by = try labelList()
                }
                try expect("(")
                let inner = try expression()
                try expect(")")
                return .sum(by: by, inner)
            case "rate" where rest.hasPrefix("("), "irate" where rest.hasPrefix("("):
                try expect("(")
                let inner = try expression()
                skipSpaces()
                if rest.hasPrefix("[") { rest = rest.drop { $0 != "]" }.dropFirst() }
                try expect(")")
                return .rate(inner)
            case "histogram_quantile":
                try expect("(")
                guard let quantile = Double(word()) else {
                    throw Failure(description: "histogram_quantile needs a number first")
                }
                try expect(",")
                let inner = try expression()
                try expect(")")
                return .quantile(quantile, inner)
            default:
                var matchers: [Matcher] = []
                if rest.hasPrefix("{") {
                    rest = rest.dropFirst()
                    while true {
                        skipSpaces()
                        if rest.hasPrefix("}") {
                            rest = rest.dropFirst()
                            break
                        }
                        let label = word()
                        skipSpaces()
                        let op: Matcher.Operator =
                            rest.hasPrefix("=~") ? .matches : rest.hasPrefix("!=") ? .notEqual : .equal
                        try expect(op.rawValue)
                        try expect("\"")
                        let value = rest.prefix { $0 != "\"" }
                        rest = rest.dropFirst(value.count)
                        try expect("\"")
                        matchers.append(Matcher(label: label, op: op, value: String(value)))
                        skipSpaces()
                        if rest.hasPrefix(",") { rest = rest.dropFirst() }
                    }
                }
                guard !name.isEmpty else {
                    throw Failure(description: "expected a metric name at \"\(rest.prefix(20))\"")
                }
                return .selector(name: name, matchers: matchers)
            }
        }

        mutating func labelList() throws(Failure) -> [String] {
            try expect("(")
            var labels: [String] = []
            while true {
                let label = word()
                if !label.isEmpty { labels.append(label) }
                skipSpaces()
                if rest.hasPrefix(",") {
                    rest = rest.dropFirst()
                    continue
                }
                try expect(")")
                return labels
            }
        }
    }

    // MARK: - Evaluation

    /// The query over a scrape; `previous` (an earlier scrape, `seconds` before) is needed by `rate`, which
    /// gives nothing without it. Counter resets count from zero, as in PromQL.
    public func evaluate(_ samples: [ExpositionText.Sample], previous: [ExpositionText.Sample]?, seconds: Double)
        -> [Result]
    {
        switch self {
        case .selector(let name, let matchers):
            return samples.filter { sample in sample.name == name && matchers.allSatisfy { $0.accepts(sample.labels) } }
                .map { Result(labels: $0.labels, value: $0.value) }
        case .sum(let by, let inner):
            var groups: [[String: String]: Double] = [:]
            for result in inner.evaluate(samples, previous: previous, seconds: seconds) {
                let key = result.labels.filter { by.contains($0.key) }
                groups[key, default: 0] += result.value
            }
            return groups.map { Result(labels: $0.key, value: $0.value) }.sorted {
                $0.labels.description < $1.labels.description
            }
        case .rate(let inner):
            guard let previous, seconds > 0 else { return [] }
            let before = Dictionary(
                inner.evaluate(previous, previous: nil, seconds: 0).map { ($0.labels, $0.value) },
                uniquingKeysWith: { first, _ in first })
            return inner.evaluate(samples, previous: nil, seconds: 0).compactMap { now in
                guard let then = before[now.labels] else { return nil }
                let increase = now.value >= then ? now.value - then : now.value
                return Result(labels: now.labels, value: increase / seconds)
            }
        case .quantile(let quantile, let inner):
            let buckets = inner.evaluate(samples, previous: previous, seconds: seconds)
            let groups = Dictionary(grouping: buckets) { $0.labels.filter { $0.key != "le" } }
            return groups.compactMap { labels, members -> Result? in
                let sorted = members.compactMap { member in
                    PrometheusValue.parse(member.labels["le"] ?? "").map { (bound: $0, count: member.value) }
                }.sorted { $0.bound < $1.bound }
                guard let value = Self.bucketQuantile(quantile, sorted) else { return nil }
                return Result(labels: labels, value: value)
            }.sorted { $0.labels.description < $1.labels.description }
        }
    }

    /// Prometheus' histogram_quantile over cumulative buckets: linear within the bucket the rank falls in;
    /// the `+Inf` bucket answers with the largest finite bound. NaN without observations.
    static func bucketQuantile(_ quantile: Double, _ buckets: [(bound: Double, count: Double)]) -> Double? {
        guard let total = buckets.last?.count, buckets.last?.bound == .infinity else { return nil }
        guard total > 0 else { return .nan }
        let rank = quantile * total
        var previousBound = 0.0
        var previousCount = 0.0
        for bucket in buckets {
            if bucket.count >= rank {
                if bucket.bound == .infinity { return previousBound }
                let inBucket = bucket.count - previousCount
                guard inBucket > 0 else { return bucket.bound }
                return previousBound + (bucket.bound - previousBound) * (rank - previousCount) / inBucket
            }
            previousBound = bucket.bound
            previousCount = bucket.count
        }
        return previousBound
    }
}
