import Foundation

/// Statistics shared by aggregations and `*_over_time` functions, computed as Prometheus computes them.
enum PromQLMath {
    /// The mean by a compensated sum, falling back to an incremental mean when the sum overflows.
    static func mean(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        var sum = KahanSum()
        for value in values { sum.add(value) }
        let total = sum.value
        if total.isInfinite, values.allSatisfy(\.isFinite) {
            var mean = 0.0
            for (offset, value) in values.enumerated() { mean += (value - mean) / Double(offset + 1) }
            return mean
        }
        return total / Double(values.count)
    }

    /// Population variance, by Welford's method.
    static func variance(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        var count = 0.0
        var mean = KahanSum()
        var aux = KahanSum()
        for value in values {
            count += 1
            let delta = value - mean.value
            mean.add(delta / count)
            aux.add(delta * (value - mean.value))
        }
        return aux.value / count
    }

    /// The φ-quantile by linear interpolation between the closest ranks; ±Inf outside [0, 1].
    static func quantile(_ phi: Double, _ values: [Double]) -> Double {
        guard !values.isEmpty, !phi.isNaN else { return .nan }
        if phi < 0 { return -.infinity }
        if phi > 1 { return .infinity }
        // NaN sorts first, as Go's sort does.
        let sorted = values.sorted { ($0.isNaN && !$1.isNaN) || $0 < $1 }
        let rank = phi * Double(sorted.count - 1)
        let lower = max(0, Int(rank.rounded(.down)))
        let upper = min(sorted.count - 1, lower + 1)
        let weight = rank - rank.rounded(.down)
        return sorted[lower] * (1 - weight) + sorted[upper] * weight
    }
}

/// Numbers as Prometheus writes them into labels and test output: shortest form, `NaN`, `+Inf`, `-Inf`.
enum PromQLFormat {
    static func value(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number == .infinity { return "+Inf" }
        if number == -.infinity { return "-Inf" }
        if number == number.rounded(), abs(number) < 1e21 {
            return String(format: "%.0f", number)
        }
        let text = "\(number)"
        guard text.contains("e") else { return text }
        return String(format: "%.17g", number).replacing(/0+$/, with: "")
    }
}
