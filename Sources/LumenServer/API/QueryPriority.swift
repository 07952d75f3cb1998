import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Query work yields the CPU to ingest: the query threads (`QueryExecutor`) and the API listener's event loops,
/// which write the answers to their clients, run `levelsBelowIngest` nice levels below the rest of the process. When
/// both cores are busy the scheduler then gives ingest acknowledgements the CPU first: a query is slower beside
/// ingest, never the other way round. A query thread holding a lock that ingest waits for still runs, since the
/// waiting thread does not compete for the CPU.
///
/// Measured with `Scripts/bench/query-pressure.py` (docs/BENCHMARKS.md, "Queries beside ingest").
enum QueryPriority {
    /// CFS gives a thread about 9 times the CPU of one 10 levels nicer.
    static let levelsBelowIngest: Int32 = 10

    /// The nice value of query work: `levelsBelowIngest` below the calling thread's (at most 19, the lowest).
    static func niceness() -> Int32 { min(19, niceOfThisThread + levelsBelowIngest) }

    /// Linux keeps a nice value per thread, and `getpriority`/`setpriority(PRIO_PROCESS, 0, …)` read and set the
    /// calling thread's (a new thread starts with its creator's).
    static var niceOfThisThread: Int32 {
        #if os(Linux)
        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #else
        return 0
        #endif
    }

    /// Lowering needs no privilege, and a query thread is never raised again, so this is idempotent.
    static func setNiceOfThisThread(_ niceness: Int32) {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        #endif
    }

    /// Event loops whose threads run at `niceness()`: the API listener's, so the answers of queries are written
    /// at their priority. Shut the group down when the listener has stopped.
    static func eventLoops(threads: Int) async throws -> MultiThreadedEventLoopGroup {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let niceness = niceness()
        for loop in group.makeIterator() {
            try await loop.submit { setNiceOfThisThread(niceness) }.get()
        }
        return group
    }
}
