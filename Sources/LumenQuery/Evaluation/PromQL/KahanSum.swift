/// Compensated (Kahan–Neumaier) summation, as Prometheus sums, so long sums keep their precision and
/// results agree with Prometheus to the last digits.
struct KahanSum {
    private(set) var sum = 0.0
    private(set) var compensation = 0.0

    init() {}

    init(sum: Double, compensation: Double) {
        self.sum = sum
        self.compensation = compensation
    }

    mutating func add(_ value: Double) {
        let total = sum + value
        if total.isInfinite {
            compensation = 0
        } else if abs(sum) >= abs(value) {
            compensation += (sum - total) + value
        } else {
            compensation += (value - total) + sum
        }
        sum = total
    }

    var value: Double { sum + compensation }
}
