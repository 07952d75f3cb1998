import Foundation

/// Statistics shared by aggregations and `*_over_time` functions, computed as Prometheus computes them.
enum PromQLMath {
    /// The mean by a compensated sum, switching to an incremental mean once the sum overflows — Prometheus'
    /// method, so `avg` of huge values is exact where it can be and ±Inf where the inputs are.
    static func mean(_ values: [Double]) -> Double {
        guard let first = values.first else { return .nan }
        var sum = KahanSum(sum: first, compensation: 0)
        var count = 1.0
        var incremental: KahanSum?
        for value in values.dropFirst() {
            count += 1
            if incremental == nil {
                var next = sum
                next.add(value)
                if !next.sum.isInfinite {
                    sum = next
                    continue
                }
                incremental = KahanSum(sum: sum.sum / (count - 1), compensation: sum.compensation / (count - 1))
            }
            guard let mean = incremental else { continue }
            if mean.sum.isInfinite {
                if value.isInfinite, (mean.sum > 0) == (value > 0) { continue }
                if value.isFinite { continue }
            }
            let q = (count - 1) / count
            var next = KahanSum(sum: q * mean.sum, compensation: q * mean.compensation)
            next.add(value / count)
            incremental = next
        }
        if let incremental { return incremental.value }
        return sum.value / count
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
        guard !values.isEmpty else { return .nan }
        // NaN sorts first, as Go's sort does; a φ outside [0, 1] needs no sort.
        let sorted = (0...1).contains(phi) ? values.sorted { ($0.isNaN && !$1.isNaN) || $0 < $1 } : values
        return quantile(phi, sorted: sorted)
    }

    /// `quantile` of values already sorted (NaN first), which are not empty: for several quantiles of one set.
    static func quantile(_ phi: Double, sorted: [Double]) -> Double {
        if phi.isNaN { return .nan }
        if phi < 0 { return -.infinity }
        if phi > 1 { return .infinity }
        let rank = phi * Double(sorted.count - 1)
        let lower = max(0, Int(rank.rounded(.down)))
        let upper = min(sorted.count - 1, lower + 1)
        let weight = rank - rank.rounded(.down)
        return sorted[lower] * (1 - weight) + sorted[upper] * weight
    }
}

/// Numbers as Prometheus writes them into labels and test output: shortest form, `NaN`, `+Inf`, `-Inf`.
package enum PromQLFormat {
    package static func value(_ number: Double) -> String {
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
