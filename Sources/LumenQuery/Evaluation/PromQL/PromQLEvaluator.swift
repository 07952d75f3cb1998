import LumenEngine
import LumenModel

/// Evaluates PromQL expressions over one tenant's series with Prometheus' semantics.
///
/// A range query is evaluated as an instant query at every step. Every selector's series are read from the
/// store once per query, over the whole span any step may look at, then sliced per step; series are known by
/// an id in `labelSets` meanwhile, so that steps don't hash, compare or rebuild label sets.
/// Not thread-safe: make one per query.
public final class PromQLEvaluator {
    /// Subqueries without a step (`x[30m:]`) use this resolution, Prometheus' default evaluation interval.
    public static let defaultSubqueryStep: Int64 = 60 * Timestamp.nanosecondsPerSecond

    let store: any TelemetryReader
    let tenant: Tenant
    let lookback: Int64
    /// The query's own start and end, for `@ start()` and `@ end()`.
    let start: Int64
    let end: Int64
    /// The range query's step; 0 for an instant query.
    private(set) var step: Int64 = 0
    var labelSets = LabelSets()
    /// The id of the empty label set, which scalars turned vectors carry.
    let noLabels: Int
    private var cache: [[LabelMatcher]: [StoredSeries]] = [:]
    /// Range calls computed for every step at once (`PromQLEvaluator+RangeTable.swift`).
    var rangeTables: [RangeTable.Key: RangeTable] = [:]
    /// Series of the log and span ranges read so far, each read once per query.
    var telemetryCache: [(range: TelemetryRange, sizes: Bool, series: [StoredSeries])] = []
    private var bounds: (from: Int64, to: Int64) = (0, 0)
    let budget: QueryBudget

    public convenience init(
        store: any TelemetryReader, tenant: Tenant, lookback: Int64, start: Int64, end: Int64,
        limits: QueryLimits = QueryLimits()
    ) {
        self.init(store: store, tenant: tenant, lookback: lookback, start: start, end: end, budget: QueryBudget(limits))
    }

    init(store: any TelemetryReader, tenant: Tenant, lookback: Int64, start: Int64, end: Int64, budget: QueryBudget) {
        self.store = store
        self.tenant = tenant
        self.lookback = lookback
        self.start = start
        self.end = end
        self.budget = budget
        noLabels = labelSets.id(Labels([]))
    }

    // MARK: Queries

    /// The value of `expr` at `time`.
    public func instant(_ expr: Expr, at time: Int64) throws(QueryError) -> PromQLValue {
        prepare(expr)
        switch try evaluate(expr, at: time) {
        case .scalar(let value): return .scalar(value)
        case .string(let text): return .string(text)
        case .vector(let elements):
            return .vector(try unique(elements).map { VectorElement(labels: labelSets[$0.series], value: $0.value) })
        case .matrix(let windows):
            return .matrix(windows.map { TimeSeries(labels: labelSets[$0.series], samples: Array($0.samples)) })
        }
    }

    /// One series per label set, with a point for every step where the expression has a value.
    public func range(_ expr: Expr, step: Int64) throws(QueryError) -> [TimeSeries] {
        guard expr.type == .vector || expr.type == .scalar else {
            throw QueryError("invalid expression type \"\(expr.type.displayName)\" for range query, must be "
                + "scalar or instant vector")
        }
        prepare(expr)
        self.step = step
        var points: [[Sample]] = []  // by series id
        func append(_ series: Int, _ sample: Sample) {
            if points.count <= series { points += repeatElement([], count: labelSets.all.count - points.count) }
            points[series].append(sample)
        }
        var time = start
        while time <= end {
            switch try evaluate(expr, at: time) {
            case .scalar(let value): append(noLabels, Sample(timestamp: time, value: value))
            case .vector(let elements):
                for element in elements { append(element.series, Sample(timestamp: time, value: element.value)) }
            default: break
            }
            time += step
        }
        return points.indices.filter { !points[$0].isEmpty }
            .map { TimeSeries(labels: labelSets[$0], samples: points[$0]) }
            .sorted { $0.labels < $1.labels }
    }

    // MARK: Evaluation

    func evaluate(_ expr: Expr, at time: Int64) throws(QueryError) -> StepValue {
        try budget.check()
        switch expr {
        case .number(let value): return .scalar(value)
        case .string(let text): return .string(text)
        case .parenthesized(let inner): return try evaluate(inner, at: time)
        case .vectorSelector(let selector): return .vector(vector(selector, at: time))
        case .matrixSelector(let selector, let range): return .matrix(matrix(selector, range: range, at: time))
        case .subquery(let inner, let range, let step, let modifiers):
            return .matrix(try subquery(inner, range: range, step: step, modifiers: modifiers, at: time))
        case .unary(let negate, let inner):
            let value = try evaluate(inner, at: time)
            guard negate else { return value }
            switch value {
            case .scalar(let number): return .scalar(-number)
            case .vector(let elements):
                return .vector(try unique(elements.map {
                    StepValue.Element(series: labelSets.droppingName($0.series), value: -$0.value)
                }))
            default: return value
            }
        case .binary(let binary): return try evaluateBinary(binary, at: time)
        case .aggregation(let aggregation): return try evaluateAggregation(aggregation, at: time)
        case .call(let name, let arguments): return try evaluateCall(name, arguments, at: time)
        case .telemetryRange(let range): return .matrix(try telemetryMatrix(range, at: time))
        }
    }

    func vectorValue(_ expr: Expr, at time: Int64) throws(QueryError) -> [StepValue.Element] {
        if case .vector(let elements) = try evaluate(expr, at: time) { return elements }
        return []
    }

    func scalarValue(_ expr: Expr, at time: Int64) throws(QueryError) -> Double {
        if case .scalar(let value) = try evaluate(expr, at: time) { return value }
        return .nan
    }

    func stringValue(_ expr: Expr, at time: Int64) throws(QueryError) -> String {
        if case .string(let text) = try evaluate(expr, at: time) { return text }
        return ""
    }

    /// The time a selector or subquery looks at, after `@` and `offset`.
    func referenceTime(_ modifiers: TimeModifiers, at time: Int64) -> Int64 {
        Self.referenceTime(modifiers, at: time, start: start, end: end)
    }

    /// `referenceTime(_:at:)` for a query from `start` to `end`, for work off the evaluator's thread.
    static func referenceTime(_ modifiers: TimeModifiers, at time: Int64, start: Int64, end: Int64) -> Int64 {
        let anchor: Int64 = switch modifiers.at {
        case .time(let fixed): fixed
        case .start: start
        case .end: end
        case nil: time
        }
        return anchor - modifiers.offset
    }

    /// Each series' newest sample in `(t − lookback, t]`, unless it is a stale marker.
    func vector(_ selector: VectorSelector, at time: Int64) -> [StepValue.Element] {
        let reference = referenceTime(selector.modifiers, at: time)
        return series(selector.matchers).compactMap { entry in
            guard let sample = entry.newest(atOrBefore: reference),
                sample.timestamp > reference - lookback, !sample.isStaleMarker
            else { return nil }
            return StepValue.Element(series: entry.id, value: sample.value)
        }
    }

    /// Like `vector`, but each element's value is the time of its sample, in seconds (for `timestamp()`).
    func sampleTimes(_ selector: VectorSelector, at time: Int64) -> [StepValue.Element] {
        let reference = referenceTime(selector.modifiers, at: time)
        return series(selector.matchers).compactMap { entry in
            guard let sample = entry.newest(atOrBefore: reference),
                sample.timestamp > reference - lookback, !sample.isStaleMarker
            else { return nil }
            return StepValue.Element(series: labelSets.droppingName(entry.id), value: Double(sample.timestamp) / 1e9)
        }
    }

    /// Samples in `(t − range, t]`, stale markers left out.
    func matrix(_ selector: VectorSelector, range: Int64, at time: Int64) -> [StepValue.Window] {
        let reference = referenceTime(selector.modifiers, at: time)
        return series(selector.matchers).compactMap { $0.window(range, endingAt: reference) }
    }

    /// The inner expression at every multiple of `step` in `(t − range, t]`.
    func subquery(
        _ inner: Expr, range: Int64, step: Int64?, modifiers: TimeModifiers, at time: Int64
    ) throws(QueryError) -> [StepValue.Window] {
        let step = step ?? Self.defaultSubqueryStep
        guard step > 0 else { throw QueryError("zero step in subquery", kind: .execution) }
        let reference = referenceTime(modifiers, at: time)
        let rangeStart = reference - range
        var first = rangeStart / step * step
        if first <= rangeStart { first += step }
        var series: [Int: [Sample]] = [:]
        var order: [Int] = []
        func append(_ id: Int, _ sample: Sample) {
            if series[id] == nil { order.append(id) }
            series[id, default: []].append(sample)
        }
        var stepTime = first
        while stepTime <= reference {
            switch try evaluate(inner, at: stepTime) {
            case .vector(let elements):
                for element in elements { append(element.series, Sample(timestamp: stepTime, value: element.value)) }
            case .scalar(let value): append(noLabels, Sample(timestamp: stepTime, value: value))
            default: break
            }
            stepTime += step
        }
        return order.map { StepValue.Window(series: $0, samples: series[$0]![...]) }
    }

    // MARK: Reading series

    func series(_ matchers: [LabelMatcher]) -> [StoredSeries] {
        if let cached = cache[matchers] { return cached }
        // The read stops once it would pass what is left of the sample limit; `check()` then says so.
        let request = ReadRequest(
            tenant: tenant, from: bounds.from, to: bounds.to, matchers: matchers, limit: budget.samplesLeft)
        let found: [TimeSeries]
        do {
            found = try store.series(request)
        } catch {
            found = []
            budget.record(samples: error.limit + 1)
        }
        budget.record(samples: found.reduce(0) { $0 + $1.samples.count }, series: found.count)
        let stored = found.map { StoredSeries(id: labelSets.id($0.labels), samples: $0.samples) }
        cache[matchers] = stored
        return stored
    }

    /// Works out the earliest and latest sample any step can read, so each selector is read once.
    private func prepare(_ expr: Expr) {
        let reach = Self.reach(expr, lookback: lookback)
        if reach.usesAt {
            bounds = (Int64.min / 2, Int64.max / 2)
        } else {
            bounds = (start - reach.behind, end + reach.ahead)
        }
    }

    /// How far before and after the evaluation time an expression reads, and whether it uses `@`.
    private static func reach(_ expr: Expr, lookback: Int64) -> (behind: Int64, ahead: Int64, usesAt: Bool) {
        func shifted(_ modifiers: TimeModifiers, behind: Int64) -> (Int64, Int64, Bool) {
            (behind + max(modifiers.offset, 0), max(-modifiers.offset, 0), modifiers.at != nil)
        }
        switch expr {
        case .number, .string: return (0, 0, false)
        case .vectorSelector(let selector): return shifted(selector.modifiers, behind: lookback)
        case .matrixSelector(let selector, let range): return shifted(selector.modifiers, behind: range)
        case .telemetryRange(let range): return shifted(range.modifiers, behind: range.range)
        case .subquery(let inner, let range, _, let modifiers):
            let innerReach = reach(inner, lookback: lookback)
            let own = shifted(modifiers, behind: range + innerReach.behind)
            return (own.0, own.1 + innerReach.ahead, own.2 || innerReach.usesAt)
        case .parenthesized(let inner), .unary(_, let inner): return reach(inner, lookback: lookback)
        case .aggregation(let aggregation):
            return combine([aggregation.expr] + (aggregation.parameter.map { [$0] } ?? []), lookback)
        case .binary(let binary): return combine([binary.lhs, binary.rhs], lookback)
        case .call(_, let arguments): return combine(arguments, lookback)
        }
    }

    private static func combine(_ exprs: [Expr], _ lookback: Int64) -> (behind: Int64, ahead: Int64, usesAt: Bool) {
        exprs.map { reach($0, lookback: lookback) }.reduce((0, 0, false)) {
            (max($0.0, $1.behind), max($0.1, $1.ahead), $0.2 || $1.usesAt)
        }
    }

    // MARK: Helpers

    /// Prometheus refuses a vector with two elements of the same labels: they can't be told apart.
    func unique(_ elements: [StepValue.Element]) throws(QueryError) -> [StepValue.Element] {
        guard labelSets.isUnique(elements.lazy.map(\.series)) else {
            throw QueryError("vector cannot contain metrics with the same labelset", kind: .execution)
        }
        return elements
    }
}
