import LumenModel

/// `histogram_quantile` and `histogram_fraction` over classic histograms: cumulative `_bucket` series told apart
/// by their `le` label.
enum HistogramQuantile {
    /// Counts that differ by less than this (relative) are treated as equal, absorbing float noise.
    static let smallDeltaTolerance = 1e-12

    /// Throws when two series land on the same bucket of one histogram (say `a_bucket` and `b_bucket` with equal
    /// labels): their counts can't be told apart once the name is gone.
    static func evaluate(
        _ phi: Double, _ elements: [StepValue.Element], _ labelSets: inout LabelSets
    ) throws(QueryError) -> [StepValue.Element] {
        try histograms(elements, &labelSets).map { StepValue.Element(series: $0.key, value: quantile(phi, $0.buckets)) }
    }

    /// The fraction of observations between `lower` and `upper`, interpolating linearly inside a bucket.
    static func fraction(
        _ lower: Double, _ upper: Double, _ elements: [StepValue.Element], _ labelSets: inout LabelSets
    ) throws(QueryError) -> [StepValue.Element] {
        try histograms(elements, &labelSets).map {
            StepValue.Element(series: $0.key, value: fraction(lower, upper, $0.buckets))
        }
    }

    /// Buckets grouped by series labels without `__name__` and `le`; elements without a valid `le` are left out.
    private static func histograms(_ elements: [StepValue.Element], _ labelSets: inout LabelSets) throws(QueryError)
        -> [(key: Int, buckets: [(upperBound: Double, count: Double)])]
    {
        let histogram = labelSets.slot(.removing([Labels.metricName, "le"]))
        let bucketed = elements.compactMap { element -> (bound: Double, element: StepValue.Element)? in
            guard let text = labelSets[element.series]["le"], let bound = parseBound(text) else { return nil }
            return (bound, element)
        }
        var result: [(key: Int, buckets: [(upperBound: Double, count: Double)])] = []
        let keys = labelSets.derive(bucketed.map(\.element.series), histogram)
        for group in labelSets.grouped(bucketed, keys: keys) {
            // `le="1"` and `le="1.0"` of one metric are merged later; the same bound from another metric is not.
            var names: [Double: String] = [:]
            for member in group.members {
                let name = labelSets[member.element.series].metricName ?? ""
                if let other = names.updateValue(name, forKey: member.bound), other != name {
                    throw QueryError("vector cannot contain metrics with the same labelset", kind: .execution)
                }
            }
            result.append((group.key, group.members.map { ($0.bound, $0.element.value) }))
        }
        return result
    }

    /// Sorted by bound, equal bounds merged; `nil` unless the last bound is +Inf.
    private static func coalesced(_ input: [(upperBound: Double, count: Double)]) -> [(upperBound: Double, count: Double)]? {
        var buckets: [(upperBound: Double, count: Double)] = []
        for bucket in input.sorted(by: { $0.upperBound < $1.upperBound }) {
            if let last = buckets.last, last.upperBound == bucket.upperBound {
                buckets[buckets.count - 1].count += bucket.count
            } else {
                buckets.append(bucket)
            }
        }
        guard let last = buckets.last, last.upperBound == .infinity else { return nil }
        return buckets
    }

    static func fraction(_ lower: Double, _ upper: Double, _ input: [(upperBound: Double, count: Double)]) -> Double {
        guard let buckets = coalesced(input), let count = buckets.last?.count else { return .nan }
        if count == 0 || lower.isNaN || upper.isNaN { return .nan }
        if lower >= upper { return 0 }
        var rank = 0.0
        var lowerRank: Double?
        var upperRank: Double?
        // Positive buckets only start at 0; otherwise the first bucket reaches down to -Inf.
        var lowerBound = buckets[0].upperBound <= 0 ? -Double.infinity : 0
        for (index, bucket) in buckets.enumerated() {
            if index > 0 { lowerBound = buckets[index - 1].upperBound }
            let upperBound = bucket.upperBound
            func interpolate(_ value: Double) -> Double {
                if lowerBound == -.infinity { return bucket.count }
                return rank + (bucket.count - rank) * (value - lowerBound) / (upperBound - lowerBound)
            }
            if lowerRank == nil, lowerBound >= lower { lowerRank = rank }
            if upperRank == nil, lowerBound >= upper { upperRank = rank }
            if lowerRank != nil, upperRank != nil { break }
            if lowerRank == nil, lowerBound < lower, upperBound > lower { lowerRank = interpolate(lower) }
            if upperRank == nil, lowerBound < upper, upperBound > upper { upperRank = interpolate(upper) }
            if lowerRank != nil, upperRank != nil { break }
            rank = bucket.count
        }
        let low = min(lowerRank ?? count, count)
        let high = min(upperRank ?? count, count)
        return (high - low) / count
    }

    private static func parseBound(_ text: String) -> Double? {
        switch text.lowercased() {
        case "+inf", "inf": .infinity
        case "-inf": -.infinity
        default: Double(text)
        }
    }

    static func quantile(_ phi: Double, _ input: [(upperBound: Double, count: Double)]) -> Double {
        if phi.isNaN { return .nan }
        if phi < 0 { return -.infinity }
        if phi > 1 { return .infinity }
        var buckets: [(upperBound: Double, count: Double)] = []
        for bucket in input.sorted(by: { $0.upperBound < $1.upperBound }) {
            if let last = buckets.last, last.upperBound == bucket.upperBound {
                buckets[buckets.count - 1].count += bucket.count
            } else {
                buckets.append(bucket)
            }
        }
        guard let last = buckets.last, last.upperBound == .infinity, buckets.count >= 2 else { return .nan }
        var previous = buckets[0].count
        for index in 1..<buckets.count {
            let current = buckets[index].count
            if current == previous { continue }
            if abs(current - previous) <= smallDeltaTolerance * max(abs(current), abs(previous)) || current < previous {
                buckets[index].count = previous
                continue
            }
            previous = current
        }
        let observations = buckets[buckets.count - 1].count
        guard observations != 0, !observations.isNaN else { return .nan }
        var rank = phi * observations
        var found = buckets.count - 1
        for index in 0..<(buckets.count - 1) where buckets[index].count >= rank {
            found = index
            break
        }
        if found == buckets.count - 1 { return buckets[buckets.count - 2].upperBound }
        if found == 0, buckets[0].upperBound <= 0 { return buckets[0].upperBound }
        var bucketStart = 0.0
        let bucketEnd = buckets[found].upperBound
        var count = buckets[found].count
        if found > 0 {
            bucketStart = buckets[found - 1].upperBound
            count -= buckets[found - 1].count
            rank -= buckets[found - 1].count
        }
        return bucketStart + (bucketEnd - bucketStart) * (rank / count)
    }
}
