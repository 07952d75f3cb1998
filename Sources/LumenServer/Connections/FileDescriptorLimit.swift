#if canImport(Glibc)
import Glibc
#endif

/// The process's open-file limit, and the share of it connections may take.
enum FileDescriptorLimit {
    /// Raises the soft limit to the hard one (as Go's runtime does for Prometheus and Loki) and returns it.
    static func raise() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur > rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
    }

    /// Descriptors kept back from connections: WAL segments, blocks' files, the spare segment, /proc reads,
    /// libdispatch and the runtime. An eighth of the limit, at least 128.
    static func reserve(of limit: Int) -> Int { max(128, limit / 8) }

    /// Connections one of `listeners` TCP listeners may hold when the configuration sets no limit: an equal
    /// share of what the reserve leaves, at most 16,384.
    static func defaultConnectionsPerListener(limit: Int, listeners: Int) -> Int {
        max(1, min(16_384, (limit - reserve(of: limit)) / max(1, listeners)))
    }
}
