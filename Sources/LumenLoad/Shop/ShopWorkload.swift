import LumenModel

/// The demo shop: each call simulates one checkout request — frontend → checkout → cart, and
/// checkout → payment → database — and returns the spans, log records and server calls it produced.
///
/// Deterministic: the same seed and the same start times give the same IDs, timings and text, so runs,
/// tests and benchmarks can be repeated. About ``errorRate`` of requests fail in payment (the card is
/// declined), about ``databaseErrorRate`` more fail in the database (payment's insert is a deadlock's victim);
/// either error reaches the frontend as a 5xx. About ``slowRate`` hit a cart or database call 10–50× slower.
public struct ShopWorkload: Sendable {
    public static let errorRate = 0.02
    public static let databaseErrorRate = 0.01
    public static let slowRate = 0.05

    public let seed: UInt64
    private var random: SplitMix64
    /// Requests simulated so far.
    public private(set) var requestCount = 0

    public init(seed: UInt64 = 42) {
        self.seed = seed
        random = SplitMix64(seed: seed)
    }

    /// Simulates one request whose frontend span starts at `start` (nanoseconds since the epoch).
    public mutating func next(at start: Int64) -> ShopRequest {
        var scenario = ShopScenario(random: random, start: start)
        let request = scenario.run()
        random = scenario.random
        requestCount += 1
        return request
    }

    /// Simulates `count` requests spread evenly over `interval` nanoseconds from `start`.
    public mutating func next(_ count: Int, from start: Int64, over interval: Int64) -> [ShopRequest] {
        (0..<count).map { index in
            next(at: start + (count > 0 ? interval * Int64(index) / Int64(count) : 0))
        }
    }
}
