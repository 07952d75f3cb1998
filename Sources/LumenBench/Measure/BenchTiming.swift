import LumenModel

/// How long one piece of benchmark work takes warm: run once unmeasured (caches filled, pages read), then
/// `passes` times measured. Keeps the last run's result, so the caller can check what was timed.
struct BenchTiming<Result> {
    let result: Result
    let best: Duration
    let median: Duration

    init(passes: Int, _ work: () throws -> Result) rethrows {
        var result = try work()
        var times: [Duration] = []
        for _ in 0..<max(1, passes) {
            let started = ContinuousClock.now
            result = try work()
            times.append(ContinuousClock.now - started)
        }
        times.sort()
        self.result = result
        best = times[0]
        median = times[times.count / 2]
    }

    /// The two times as the bench scripts read them.
    var json: [String: Any] { ["best_seconds": best.seconds, "median_seconds": median.seconds] }
}
