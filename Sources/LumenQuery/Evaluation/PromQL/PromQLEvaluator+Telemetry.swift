import LumenEngine
import LumenModel

/// Metric functions over log and span ranges (`count_over_time({service="cart"} |= "error" [1m])`).
///
/// Each range is read from the store once per query, over every window any step may look at, and turned into
/// series of samples (one per line or span); each step then slices its window, as for metric selectors.
/// `rate` is LogQL's: lines (or unwrapped values) per second over the window, not extrapolated.
extension PromQLEvaluator {
    func telemetryCall(_ name: String, _ arguments: [Expr], at time: Int64) throws(QueryError) -> StepValue {
        guard let argument = arguments.first(where: \.isTelemetryRange),
            case .telemetryRange(let range) = argument.unwrapped
        else { return .vector([]) }
        if name == "absent_over_time" { return try absent(range, at: time) }
        let parameter = name == "quantile_over_time" ? try scalarValue(arguments[0], at: time) : .nan
        let seconds = Double(range.range) / 1e9
        var elements: [StepValue.Element] = []
        // Counting lines needs no line sizes: a block's templated pages then read no variable.
        let sizes = !(name == "count_over_time" || name == "rate")
        for entry in try telemetryMatrix(range, at: time, sizes: sizes) {
            let count = Double(entry.samples.count)
            let total = RangeFunctions.overTime("sum_over_time", entry.samples, parameter: .nan) ?? 0
            let value: Double?
            switch name {
            case "count_over_time": value = count
            case "rate": value = (range.unwrap == nil ? count : total) / seconds
            case "bytes_over_time": value = total
            case "bytes_rate": value = total / seconds
            default: value = RangeFunctions.overTime(name, entry.samples, parameter: parameter)
            }
            if let value { elements.append(StepValue.Element(series: entry.series, value: value)) }
        }
        return .vector(try unique(elements))
    }

    /// `absent_over_time`: nothing when any line or span falls in the window, else one sample of 1 labelled by
    /// the selector's equality matchers, as LogQL answers it.
    private func absent(_ range: TelemetryRange, at time: Int64) throws(QueryError) -> StepValue {
        guard try telemetryMatrix(range, at: time, sizes: false).allSatisfy({ $0.samples.isEmpty }) else {
            return .vector([])
        }
        let matchers: [LabelMatcher] = if case .logs(let logs) = range.source { logs.matchers } else { [] }
        let labels = Labels(matchers.filter { $0.op == .equal }.map { Label($0.name, $0.value) })
        return .vector([StepValue.Element(series: labelSets.id(labels), value: 1)])
    }

    /// The range's samples in `(t − range, t]`, per series. Without `sizes`, a log line's sample is 0 rather than
    /// its size, where only lines are counted.
    func telemetryMatrix(_ range: TelemetryRange, at time: Int64, sizes: Bool = true) throws(QueryError)
        -> [StepValue.Window]
    {
        let reference = referenceTime(range.modifiers, at: time)
        return try telemetrySeries(range, sizes: sizes).compactMap { $0.window(range.range, endingAt: reference) }
    }

    private func telemetrySeries(_ range: TelemetryRange, sizes: Bool) throws(QueryError) -> [StoredSeries] {
        if let cached = telemetryCache.first(where: { $0.range == range && ($0.sizes || !sizes) }) {
            return cached.series
        }
        let from: Int64
        let to: Int64
        if range.modifiers.at != nil {
            (from, to) = (Int64.min / 2, Int64.max / 2)
        } else {
            (from, to) = (start - range.range - range.modifiers.offset, end - range.modifiers.offset)
        }
        let sampler = TelemetrySampler(store: store, tenant: tenant, budget: budget, grouping: range.grouping)
        let found = switch range.source {
        case .logs(let logs): try sampler.logs(logs, from: from, to: to, sizes: sizes)
        case .spans(let spans): try sampler.spans(spans, from: from, to: to)
        }
        try budget.check()
        let series = found.map { StoredSeries(id: labelSets.id($0.labels), samples: $0.samples) }
        telemetryCache.append((range, sizes, series))
        return series
    }

    /// Functions whose value over merged series is the sum of their values over the parts.
    private static let additive: Set<String> = [
        "count_over_time", "rate", "bytes_over_time", "bytes_rate", "sum_over_time",
    ]

    /// `sum by (l) (f(range))` equals `sum by (l) (f(range) by (l))` for an additive `f`: merging the lines'
    /// series before the function saves making one series per distinct line when parsers extract fields.
    static func pushingGrouping(into aggregation: Aggregation) -> Aggregation {
        guard aggregation.op == "sum", case .call(let name, var arguments) = aggregation.expr.unwrapped,
            additive.contains(name), let index = arguments.firstIndex(where: \.isTelemetryRange),
            case .telemetryRange(var range) = arguments[index].unwrapped, range.grouping == nil
        else { return aggregation }
        range.grouping = aggregation.grouping
        arguments[index] = .telemetryRange(range)
        var pushed = aggregation
        pushed.expr = .call(name: name, arguments: arguments)
        return pushed
    }
}
