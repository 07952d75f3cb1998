/// When each simulated request starts and when its batch is due, independent of any clock or socket, so
/// that pacing is tested directly and the same options always give the same timestamps.
///
/// With a rate, tick `k` is due `k × tick` after the run starts and carries the requests whose share of
/// the rate falls in it, spread evenly across it. Without one, every batch is due at once, and requests are
/// stamped ``unlimitedSpacing`` apart.
struct LoadSchedule: Sendable {
    struct Tick: Hashable, Sendable {
        /// Nanoseconds after the run's start that the batch is due; `nil` when as soon as possible.
        var due: Int64?
        /// Start times of the batch's requests, nanoseconds since the epoch.
        var starts: [Int64]
    }

    /// 10,000 simulated requests per second of data when sending as fast as possible.
    static let unlimitedSpacing: Int64 = 100_000

    let start: Int64
    let rate: Double
    let tick: Int64
    let batchSize: Int
    let count: Int?
    let duration: Int64?
    private var ticks: Int64 = 0
    private(set) var scheduled = 0

    init(start: Int64, rate: Double, tick: Int64, batchSize: Int, count: Int?, duration: Int64?) {
        self.start = start
        self.rate = rate
        self.tick = max(1, tick)
        self.batchSize = batchSize
        self.count = count
        self.duration = duration
    }

    /// The simulated time the next request would start at: the stamp for a metrics export.
    var now: Int64 {
        rate > 0 ? start + ticks * tick : start + Int64(scheduled) * Self.unlimitedSpacing
    }

    /// The next batch; `nil` once `count` requests were scheduled or, with a rate, `duration` is covered.
    /// Without a rate, `duration` is wall-clock time and the caller's to enforce.
    mutating func next() -> Tick? {
        let remaining = count.map { $0 - scheduled } ?? Int.max
        guard remaining > 0 else { return nil }
        if rate > 0 {
            let offset = ticks * tick
            if let duration, offset >= duration { return nil }
            let before = Int((Double(offset) * rate / 1e9).rounded(.down))
            let after = Int((Double(offset + tick) * rate / 1e9).rounded(.down))
            let n = min(after - before, remaining)
            let starts = (0..<n).map { start + offset + tick * Int64($0) / Int64(max(n, 1)) }
            ticks += 1
            scheduled += n
            return Tick(due: offset, starts: starts)
        }
        let n = min(batchSize, remaining)
        let starts = (0..<n).map { start + Int64(scheduled + $0) * Self.unlimitedSpacing }
        scheduled += n
        return Tick(due: nil, starts: starts)
    }
}
