import Foundation
import LumenModel

@testable import LumenRender

/// Deterministic data for the panel golden tests: an hour of one-minute points from a fixed instant.
enum ChartFixture {
    static let start: Int64 = 1_700_000_000_000_000_000
    static let minute: Int64 = 60_000_000_000
    static let end = start + 60 * minute

    /// A smooth wave between `low` and `high`, one point a minute; `gap` minutes are NaN.
    static func wave(
        _ name: String, low: Double, high: Double, phase: Double = 0, gap: Range<Int>? = nil,
        labels: [String: String] = [:]
    ) -> ChartSeries {
        ChartSeries(
            name: name, labels: labels,
            points: (0...60).map { minute in
                let x = Double(minute) / 60 * 2 * Double.pi + phase
                let value = gap?.contains(minute) == true ? Double.nan : low + (high - low) * (0.5 + 0.5 * sin(x))
                return ChartSeries.Point(t: start + Int64(minute) * Self.minute, v: value)
            })
    }

    static let latency = [
        wave("checkout", low: 0.05, high: 0.3, gap: 20..<26),
        wave("cart", low: 0.01, high: 0.08, phase: 2),
    ]

    /// Cumulative latency buckets, as `sum by (le) (rate(…_bucket[1m]))` answers: fast requests all along,
    /// a slow burst in the second half.
    static var buckets: [ChartSeries] {
        let bounds = ["0.01", "0.05", "0.1", "0.5", "1", "+Inf"]
        return bounds.enumerated().map { index, bound in
            ChartSeries(
                name: bound, labels: ["le": bound],
                points: (0...60).map { minute in
                    let slow = minute >= 30 && minute < 45
                    let perBucket: [Double] = slow ? [2, 3, 4, 6, 3, 1] : [6, 5, 2, 0.5, 0, 0]
                    return ChartSeries.Point(
                        t: start + Int64(minute) * Self.minute,
                        v: perBucket.prefix(index + 1).reduce(0, +))
                })
        }
    }

    static let logs = [
        LogLine(
            time: start + 5 * minute, service: "payment", level: .error,
            body: "payment declined for order 8812: card_expired"),
        LogLine(time: start + 1 * minute, service: "frontend", level: .info, body: "GET /checkout 200"),
        LogLine(
            time: start + 3 * minute, service: "checkout", level: .warn, body: "retrying cart reservation after timeout"
        ),
        LogLine(time: start + 7 * minute, service: "cart", level: .debug, body: "cart 42 has 3 items"),
        LogLine(
            time: start + 9 * minute, service: "payment", level: .fatal, body: "processor connection lost\nreconnecting"
        ),
    ]

    /// Two firing alerts (one active longer) and a pending one, out of order.
    static let alerts = [
        ActiveAlert(
            name: "ServiceLatencyHigh", state: .pending, labels: ["service": "checkout", "severity": "warning"],
            summary: "checkout p99 is 0.61 s", activeAt: end - 2 * minute, value: "6.1e-01"),
        ActiveAlert(
            name: "ServiceErrorRateHigh", state: .firing, labels: ["service": "payment", "severity": "page"],
            summary: "payment fails 7.2% of its requests; trace 4bf92f3577b34da6a3ce929d0e0e4736",
            activeAt: end - 12 * minute, value: "7.2e-02"),
        ActiveAlert(
            name: "ErrorLogBurst", state: .firing, labels: ["service": "payment", "severity": "page"],
            summary: nil, activeAt: end - 4 * minute - 30_000_000_000, value: "3.4e+00"),
    ]

    /// An edge whose error ratio follows from its calls and errors; p50 and p99 are set around the p95 shown.
    static func edge(_ caller: String, _ callee: String, calls: Int, errors: Int, rate: Double, p95: Double)
        -> ServiceGraph.Edge
    {
        ServiceGraph.Edge(
            caller: caller, callee: callee, calls: calls, errors: errors, rate: rate,
            errorRatio: Double(errors) / Double(calls), p50: p95 / 3, p95: p95, p99: p95 * 2.5)
    }

    static let graph = ServiceGraph(
        edges: [
            edge("frontend", "checkout", calls: 1200, errors: 30, rate: 20, p95: 0.25),
            edge("checkout", "payment", calls: 1200, errors: 72, rate: 20, p95: 0.2),
            edge("checkout", "cart", calls: 1200, errors: 0, rate: 20, p95: 0.012),
            edge("payment", "database", calls: 2400, errors: 2, rate: 40, p95: 0.018),
        ],
        services: [
            .init(service: "frontend", calls: 1200, errors: 30, rate: 20, errorRatio: 0.025, p50: 0.09, p95: 0.3, p99: 0.7)
        ])

    static var table: TableData {
        TableData(
            columns: ["service", "route", "p95"],
            rows: [
                [.init("cart"), .init("/cart"), .init("12ms", value: 0.012)],
                [.init("payment"), .init("/charge"), .init("480ms", value: 0.48)],
                [.init("checkout"), .init("/checkout"), .init("250ms", value: 0.25)],
            ])
    }
}
