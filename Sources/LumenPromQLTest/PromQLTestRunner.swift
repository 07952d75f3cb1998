import LumenEngine
import LumenModel
import LumenQuery

/// Runs promqltest files against a fresh in-memory `Head` per file; time starts at the Unix epoch, and the only
/// clock is each `eval`'s own time, so results are reproducible.
public struct PromQLTestRunner: Sendable {
    public struct Failure: Sendable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var expression: String
        public var message: String
        public var description: String { "\(file):\(line): \(expression)\n    \(message)" }
    }

    public struct Report: Sendable {
        public var passed = 0
        public var failed = 0
        /// Evaluations that need what Lumen doesn't model (native histograms); neither passed nor failed.
        public var skipped = 0
        /// `expect warn|info` lines, which Lumen can't check: it emits no annotations.
        public var uncheckedAnnotations = 0
        public var failures: [Failure] = []

        public init() {}

        public mutating func merge(_ other: Report) {
            passed += other.passed
            failed += other.failed
            skipped += other.skipped
            uncheckedAnnotations += other.uncheckedAnnotations
            failures += other.failures
        }

        /// The last line of `lumen-bench promqltest`: `N passed, M failed`.
        public var summary: String { "\(passed) passed, \(failed) failed" }
    }

    /// Floats are equal within this relative difference, as promqltest compares them.
    static let epsilon = 1e-6
    let lookback: Int64

    public init(lookback: Int64 = QueryEngine.defaultLookback) {
        self.lookback = lookback
    }

    public func run(_ file: PromQLTestFile) -> Report {
        var report = Report()
        var head = Head()
        var histogramsLoaded = false
        var histogramMetrics = Set<String>()
        for (line, command) in file.commands {
            switch command {
            case .clear:
                head = Head()
                histogramsLoaded = false
                histogramMetrics = []
            case .load(let interval, let series, let hasHistograms, let names):
                histogramsLoaded = histogramsLoaded || hasHistograms
                histogramMetrics.formUnion(names)
                _ = head.append(Batch(series: series.map { entry in
                    TimeSeries(labels: entry.labels, samples: entry.values.enumerated().compactMap { offset, value in
                        value.map { Sample(timestamp: Int64(offset) * interval, value: $0) }
                    })
                }))
            case .eval(let eval):
                report.uncheckedAnnotations += eval.uncheckedAnnotations
                // Native histograms are out of scope: skip what reads them, rather than count it either way.
                if eval.unsupported != nil || Self.reads(eval.expression, histogramMetrics)
                    || (histogramsLoaded && Self.usesNativeHistogramFunction(eval.expression))
                {
                    report.skipped += 1
                    continue
                }
                if let message = check(eval, head: head) {
                    report.failed += 1
                    report.failures.append(
                        Failure(file: file.name, line: line, expression: eval.expression, message: message))
                } else {
                    report.passed += 1
                }
            }
        }
        return report
    }

    /// Whether the expression names one of these metrics (as a whole name, not a prefix).
    static func reads(_ expression: String, _ metrics: Set<String>) -> Bool {
        guard !metrics.isEmpty, let tokens = try? Lexer.tokenize(expression) else { return false }
        return tokens.contains { token in
            switch token.kind {
            case .identifier(let name), .string(let name): metrics.contains(name)
            default: false
            }
        }
    }

    /// Functions only native histograms answer (`histogram_count`, `histogram_sum` …; not `histogram_quantile` and
    /// `histogram_fraction`, which read classic buckets too).
    static func usesNativeHistogramFunction(_ expression: String) -> Bool {
        guard let tokens = try? Lexer.tokenize(expression) else { return false }
        return tokens.contains { token in
            if case .identifier(let name) = token.kind {
                return name.hasPrefix("histogram_") && name != "histogram_quantile" && name != "histogram_fraction"
            }
            return false
        }
    }

    /// `nil` when the evaluation gives what the file expects, else what differs.
    func check(_ eval: PromQLEval, head: Head) -> String? {
        let engine = QueryEngine(store: head, lookback: lookback)
        let window: QueryWindow = switch eval.mode {
        case .instant(let time): .instant(time)
        case .range(let start, let end, let step): QueryWindow(start: start, end: end, step: step)
        }
        let result: QueryResult
        do {
            result = try engine.execute(.metrics(try Parser.parsePromQL(eval.expression)), tenant: .anonymous,
                window: window)
        } catch {
            guard eval.expectFailure else { return "unexpected error: \(error.message)" }
            if let expected = eval.failureMessage, !error.message.contains(expected) {
                return "expected the error \"\(expected)\", got \"\(error.message)\""
            }
            if let pattern = eval.failureRegex, let regex = try? Regex(pattern),
                (try? regex.firstMatch(in: error.message)) == nil
            {
                return "expected an error matching /\(pattern)/, got \"\(error.message)\""
            }
            return nil
        }
        if eval.expectFailure { return "expected an error, got \(Self.describe(result))" }
        switch (eval.mode, result) {
        case (_, .string(let text, _)):
            return text == eval.expectedString ? nil
                : "expected the string \"\(eval.expectedString ?? "")\", got \"\(text)\""
        case (.instant, .scalar(let sample)):
            guard let expected = eval.expectedScalar else {
                return "expected \(eval.expected.count) series, got the scalar \(PromQLFormat.value(sample.value))"
            }
            return Self.equal(expected, sample.value) ? nil
                : "expected the scalar \(PromQLFormat.value(expected)), got \(PromQLFormat.value(sample.value))"
        case (.instant, .vector(let samples)):
            return compareVector(eval, samples.map { ($0.labels, $0.sample.value) })
        case (.instant, .matrix(let series)):
            guard let (start, step) = eval.rangeVector else {
                // Without the timestamps, compare the values in order.
                let expected = eval.expected.map { PromQLEval.ExpectedSeries(labels: $0.labels, values: $0.values.filter { $0 != nil }) }
                return compareSeries(expected, series.map { ($0.labels, $0.samples.map { Optional($0.value) }) },
                    ordered: eval.ordered)
            }
            let got = series.map { entry -> (Labels, [Double?]) in
                var values: [Double?] = []
                for sample in entry.samples {
                    let slot = Int((sample.timestamp - start) / step)
                    guard slot >= 0 else { continue }
                    while values.count <= slot { values.append(nil) }
                    values[slot] = sample.value
                }
                return (entry.labels, values)
            }
            let expected = eval.expected.map { entry in
                var values = entry.values
                while let last = values.last, last == nil { values.removeLast() }
                return PromQLEval.ExpectedSeries(labels: entry.labels, values: values)
            }
            return compareSeries(expected, got, ordered: eval.ordered)
        case (.range(let start, let end, let step), .matrix(let series)):
            let steps = Int((end - start) / step) + 1
            let got = series.map { entry -> (Labels, [Double?]) in
                var values = [Double?](repeating: nil, count: steps)
                for sample in entry.samples { values[Int((sample.timestamp - start) / step)] = sample.value }
                return (entry.labels, values)
            }
            let expected = eval.expected.map { entry in
                PromQLEval.ExpectedSeries(labels: entry.labels, values: (0..<steps).map {
                    $0 < entry.values.count ? entry.values[$0] : nil
                })
            }
            return compareSeries(expected, got, ordered: false)
        default:
            return "unexpected result \(Self.describe(result))"
        }
    }

    private func compareVector(_ eval: PromQLEval, _ got: [(Labels, Double)]) -> String? {
        let expected = eval.expected.map { ($0.labels, $0.values.first ?? nil) }
        if eval.expectedScalar != nil { return "expected a scalar, got a vector of \(got.count)" }
        var problems: [String] = []
        if got.count != expected.count {
            problems.append("expected \(expected.count) series, got \(got.count)")
        }
        for (labels, value) in expected {
            guard let match = got.first(where: { $0.0 == labels }) else {
                problems.append("missing \(labels) \(value.map(PromQLFormat.value) ?? "_")")
                continue
            }
            if let value, !Self.equal(value, match.1) {
                problems.append("\(labels): expected \(PromQLFormat.value(value)), got \(PromQLFormat.value(match.1))")
            }
        }
        for (labels, value) in got where !expected.contains(where: { $0.0 == labels }) {
            problems.append("unexpected \(labels) \(PromQLFormat.value(value))")
        }
        if problems.isEmpty, eval.ordered, got.map(\.0) != expected.map(\.0) {
            problems.append("expected the order \(expected.map { "\($0.0)" }), got \(got.map { "\($0.0)" })")
        }
        return problems.isEmpty ? nil : problems.joined(separator: "\n    ")
    }

    private func compareSeries(
        _ expected: [PromQLEval.ExpectedSeries], _ got: [(Labels, [Double?])], ordered: Bool
    ) -> String? {
        var problems: [String] = []
        if got.count != expected.count { problems.append("expected \(expected.count) series, got \(got.count)") }
        for entry in expected {
            guard let match = got.first(where: { $0.0 == entry.labels }) else {
                problems.append("missing \(entry.labels) \(Self.render(entry.values))")
                continue
            }
            let same = match.1.count == entry.values.count && zip(match.1, entry.values).allSatisfy { a, b in
                switch (a, b) {
                case (nil, nil): true
                case (let x?, let y?): Self.equal(y, x)
                default: false
                }
            }
            if !same {
                problems.append("\(entry.labels): expected \(Self.render(entry.values)), got \(Self.render(match.1))")
            }
        }
        for (labels, values) in got where !expected.contains(where: { $0.labels == labels }) {
            problems.append("unexpected \(labels) \(Self.render(values))")
        }
        return problems.isEmpty ? nil : problems.joined(separator: "\n    ")
    }

    private static func render(_ values: [Double?]) -> String {
        values.map { $0.map(PromQLFormat.value) ?? "_" }.joined(separator: " ")
    }

    private static func describe(_ result: QueryResult) -> String {
        switch result {
        case .vector(let samples): "a vector of \(samples.count): "
            + samples.map { "\($0.labels) \(PromQLFormat.value($0.sample.value))" }.joined(separator: ", ")
        case .matrix(let series): "a matrix of \(series.count) series"
        case .scalar(let sample): "the scalar \(PromQLFormat.value(sample.value))"
        case .string(let text, _): "the string \"\(text)\""
        case .logs, .traces: "records"
        }
    }

    /// promqltest's comparison: NaN equals NaN; otherwise equal within a relative epsilon.
    static func equal(_ a: Double, _ b: Double) -> Bool {
        if a.isNaN && b.isNaN { return true }
        if a == b { return true }
        let absSum = abs(a) + abs(b)
        let difference = abs(a - b)
        if a == 0 || b == 0 || absSum < Double.leastNormalMagnitude {
            return difference < epsilon * Double.leastNormalMagnitude
        }
        return difference / min(absSum, Double.greatestFiniteMagnitude) < epsilon
    }
}
