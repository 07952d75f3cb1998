import Foundation

/// CPU seconds (user + system, every thread) this process has used: what a benchmark divides by to report a
/// rate per core however many threads did the work.
public enum ProcessCPUTime {
    public static func seconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
