import LumenEngine
import LumenModel

/// In a range query, a function of a range selector (`rate(x[5m])`) is computed for every step at once,
/// series by series: one forward pass through each series' samples, where evaluating step by step would
/// search every series at every step and touch memory all over. Prometheus evaluates these calls the same way.
/// Each step then reads its column of the table.
extension PromQLEvaluator {
    /// `name(arguments)` at `time` from its table, or `nil` when the call is not tabulated: an instant query,
    /// a time off the query's steps (inside a subquery), an argument other than a selector, or a parameter
    /// other than a number.
    func tabulatedRangeCall(_ name: String, _ arguments: [Expr], at time: Int64) throws(QueryError)
        -> [StepValue.Element]?
    {
        guard step > 0, time >= start, time <= end, (time - start) % step == 0 else { return nil }
        let indices = RangeFunctions.argumentIndices(name)
        guard case .matrixSelector(let selector, let range) = arguments[indices.matrix].unwrapped else { return nil }
        var parameter = Double.nan
        if let index = indices.parameter {
            guard case .number(let number) = arguments[index].unwrapped else { return nil }
            parameter = number
        }
        let key = RangeTable.Key(
            function: name, matchers: selector.matchers, range: range, modifiers: selector.modifiers,
            parameter: parameter.bitPattern)
        let table: RangeTable
        if let built = rangeTables[key] {
            table = built
        } else {
            table = try rangeTable(name, selector, range: range, parameter: parameter)
            rangeTables[key] = table
        }
        let column = Int((time - start) / step)
        var result: [StepValue.Element] = []
        for row in table.rows {
            if let value = row.values[column] { result.append(StepValue.Element(series: row.series, value: value)) }
        }
        return try unique(result)
    }

    private func rangeTable(
        _ name: String, _ selector: VectorSelector, range: Int64, parameter: Double
    ) throws(QueryError) -> RangeTable {
        let steps = Int((end - start) / step) + 1
        let found = series(selector.matchers)
        try budget.check()
        let (start, end, step, modifiers) = (start, end, step, selector.modifiers)
        // Series by series on every core: a row reads its own samples only.
        let values = try found.concurrentMap { entry throws(QueryError) -> [Double?] in
            let samples = entry.live
            var values = [Double?](repeating: nil, count: steps)
            var (lower, upper) = (0, 0)
            for column in 0..<steps {
                let time = start + Int64(column) * step
                // Steps only move forward (an `@` pins them in place), so each window starts where the last ended.
                let windowEnd = Self.referenceTime(modifiers, at: time, start: start, end: end)
                while upper < samples.count, samples[upper].timestamp <= windowEnd { upper += 1 }
                while lower < upper, samples[lower].timestamp <= windowEnd - range { lower += 1 }
                guard lower < upper else { continue }
                values[column] = try RangeFunctions.evaluate(
                    name, entry.window(lower..<upper), start: windowEnd - range, end: windowEnd, time: time,
                    parameter: parameter)
            }
            return values
        }
        try budget.check()
        let keepsName = RangeFunctions.keepsName(name)
        let rows = zip(found, values).map { entry, values in
            RangeTable.Row(series: keepsName ? entry.id : labelSets.droppingName(entry.id), values: values)
        }
        return RangeTable(rows: rows)
    }
}

/// One range call's values at every step of a range query, by series.
struct RangeTable {
    struct Row {
        /// The result's labels (the name dropped unless the function keeps it).
        let series: Int
        /// By step; `nil` where the series has no value.
        let values: [Double?]
    }

    /// What makes two calls the same: the function, its selector and its parameter.
    struct Key: Hashable {
        let function: String
        let matchers: [LabelMatcher]
        let range: Int64
        let modifiers: TimeModifiers
        let parameter: UInt64
    }

    let rows: [RangeTable.Row]
}
