import LumenModel

/// Functions over one series' samples in a range `(start, end]` (timestamps in nanoseconds); `nil` means the
/// series has no result at this step. Samples come as slices of the series read for the query: no copies.
enum RangeFunctions {
    typealias Samples = ArraySlice<Sample>

    /// `name` over one window `(start, end]` evaluated at `time`; `parameter` is `quantile_over_time`'s φ or
    /// `predict_linear`'s seconds ahead.
    static func evaluate(
        _ name: String, _ window: StepValue.Window, start: Int64, end: Int64, time: Int64, parameter: Double
    ) throws(QueryError) -> Double? {
        let samples = window.samples
        let mayReset = !window.neverDecreases
        switch name {
        case "rate": return extrapolated(samples, start: start, end: end, isCounter: true, isRate: true, resets: mayReset)
        case "increase":
            return extrapolated(samples, start: start, end: end, isCounter: true, isRate: false, resets: mayReset)
        case "delta": return extrapolated(samples, start: start, end: end, isCounter: false, isRate: false)
        case "irate": return instant(samples, isRate: true)
        case "idelta": return instant(samples, isRate: false)
        case "deriv":
            return samples.count < 2 ? nil : linearRegression(samples, interceptTime: samples[samples.startIndex].timestamp).slope
        case "predict_linear":
            guard samples.count >= 2 else { return nil }
            let line = linearRegression(samples, interceptTime: time)
            return line.slope * parameter + line.intercept
        case "changes": return changes(samples)
        case "resets": return resets(samples)
        default:
            guard let value = overTime(name, samples, parameter: parameter) else {
                throw QueryError("function \"\(name)\" is not supported")
            }
            return value
        }
    }

    /// Whether `name`'s result keeps the series' metric name: it is one of the series' own samples.
    static func keepsName(_ name: String) -> Bool { name == "last_over_time" || name == "first_over_time" }

    /// The index of the range-vector argument among `name`'s arguments, and of its scalar parameter if any.
    static func argumentIndices(_ name: String) -> (matrix: Int, parameter: Int?) {
        switch name {
        case "quantile_over_time": (1, 0)
        case "predict_linear": (0, 1)
        default: (0, nil)
        }
    }

    /// `rate`, `increase` and `delta`, extrapolated to the edges of the range as Prometheus does. Without
    /// `resets` a counter is known never to decrease, and the search for resets is skipped.
    static func extrapolated(
        _ samples: Samples, start: Int64, end: Int64, isCounter: Bool, isRate: Bool, resets: Bool = true
    ) -> Double? {
        guard samples.count >= 2, let first = samples.first, let last = samples.last else { return nil }
        var result = last.value - first.value
        if isCounter, resets {
            var previous = first.value
            for sample in samples.dropFirst() {
                if sample.value < previous { result += previous }
                previous = sample.value
            }
        }
        var durationToStart = Double(first.timestamp - start) / 1e9
        var durationToEnd = Double(end - last.timestamp) / 1e9
        let sampledInterval = Double(last.timestamp - first.timestamp) / 1e9
        let averageInterval = sampledInterval / Double(samples.count - 1)
        let threshold = averageInterval * 1.1
        if durationToStart >= threshold { durationToStart = averageInterval / 2 }
        if isCounter, result > 0, first.value >= 0 {
            // A counter can't have been below zero: don't extrapolate to before it started.
            let durationToZero = sampledInterval * (first.value / result)
            if durationToZero < durationToStart { durationToStart = durationToZero }
        }
        if durationToEnd >= threshold { durationToEnd = averageInterval / 2 }
        var factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval
        if isRate { factor /= Double(end - start) / 1e9 }
        return result * factor
    }

    /// `irate` and `idelta`: from the last two samples.
    static func instant(_ samples: Samples, isRate: Bool) -> Double? {
        guard samples.count >= 2 else { return nil }
        let last = samples[samples.endIndex - 1]
        let previous = samples[samples.endIndex - 2]
        var result = last.value - previous.value
        if isRate, last.value < previous.value { result = last.value }
        guard isRate else { return result }
        let interval = Double(last.timestamp - previous.timestamp) / 1e9
        guard interval != 0 else { return nil }
        return result / interval
    }

    /// Least-squares slope and intercept at `interceptTime`.
    static func linearRegression(_ samples: Samples, interceptTime: Int64) -> (slope: Double, intercept: Double) {
        var n = 0.0
        var sumX = KahanSum(), sumY = KahanSum(), sumXY = KahanSum(), sumX2 = KahanSum()
        let initial = samples[samples.startIndex].value
        var constant = true
        for (offset, sample) in samples.enumerated() {
            if constant, offset > 0, sample.value != initial { constant = false }
            n += 1
            let x = Double(sample.timestamp - interceptTime) / 1e9
            sumX.add(x)
            sumY.add(sample.value)
            sumXY.add(x * sample.value)
            sumX2.add(x * x)
        }
        if constant { return initial.isInfinite ? (.nan, .nan) : (0, initial) }
        let covXY = sumXY.value - sumX.value * sumY.value / n
        let varX = sumX2.value - sumX.value * sumX.value / n
        let slope = covXY / varX
        return (slope, sumY.value / n - slope * sumX.value / n)
    }

    static func changes(_ samples: Samples) -> Double {
        var count = 0.0
        for index in samples.indices.dropFirst() {
            let (a, b) = (samples[index - 1].value, samples[index].value)
            if a != b, !(a.isNaN && b.isNaN) { count += 1 }
        }
        return count
    }

    static func resets(_ samples: Samples) -> Double {
        var count = 0.0
        for index in samples.indices.dropFirst() where samples[index].value < samples[index - 1].value { count += 1 }
        return count
    }

    /// The `*_over_time` family, by name; `nil` for other names.
    static func overTime(_ name: String, _ samples: Samples, parameter: Double) -> Double? {
        let values = samples.map(\.value)
        switch name {
        case "avg_over_time": return PromQLMath.mean(values)
        case "sum_over_time":
            var sum = KahanSum()
            for value in values { sum.add(value) }
            return sum.value
        case "min_over_time": return values.reduce(Double.nan) { $0.isNaN || $1 < $0 ? $1 : $0 }
        case "max_over_time": return values.reduce(Double.nan) { $0.isNaN || $1 > $0 ? $1 : $0 }
        case "count_over_time": return Double(values.count)
        case "last_over_time": return values.last
        case "first_over_time": return values.first
        case "present_over_time": return 1
        case "stddev_over_time": return PromQLMath.variance(values).squareRoot()
        case "stdvar_over_time": return PromQLMath.variance(values)
        case "quantile_over_time": return PromQLMath.quantile(parameter, values)
        case "mad_over_time":
            let median = PromQLMath.quantile(0.5, values)
            return PromQLMath.quantile(0.5, values.map { abs($0 - median) })
        case "ts_of_last_over_time": return samples.last.map { Double($0.timestamp) / 1e9 }
        case "ts_of_first_over_time": return samples.first.map { Double($0.timestamp) / 1e9 }
        case "ts_of_max_over_time", "ts_of_min_over_time":
            let wantsMax = name == "ts_of_max_over_time"
            var best: Sample?
            for sample in samples {
                guard let current = best else { best = sample; continue }
                if current.value.isNaN && !sample.value.isNaN
                    || (wantsMax ? sample.value >= current.value : sample.value <= current.value)
                {
                    best = sample
                }
            }
            return best.map { Double($0.timestamp) / 1e9 }
        default: return nil
        }
    }
}
