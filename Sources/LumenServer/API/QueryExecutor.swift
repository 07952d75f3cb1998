import Hummingbird
import LumenEngine
import LumenQuery
import NIOPosix
import Synchronization

/// Where queries run: threads of their own, never Swift's shared pool, where ingest decodes request bodies and
/// every connection's task runs. A query is synchronous work that may take seconds (a regular expression over
/// every label value, a long range at a short step); on the pool, two of them took both of a 2-core machine's
/// threads and every ingest acknowledgement waited behind them.
///
/// At most `maxConcurrent` queries are admitted at once (as Prometheus' `--query.max-concurrency`); they share
/// `threads` threads, and one more is refused with 503 and Retry-After instead of queueing without bound.
///
/// Query threads run at a lower CPU priority than ingest (`QueryPriority`).
///
/// A query stops early, through the `QueryCancellation` its work is given, when the task that asked for it is
/// cancelled (server shutdown) or its client disconnects (`ClientConnection`); the evaluation then throws a
/// `canceled` `QueryError` at its next step, series or page.
final class QueryExecutor: Sendable {
    let maxConcurrent: Int
    /// The nice value of the query threads.
    let niceness = QueryPriority.niceness()
    private let pool: NIOThreadPool
    private let admitted = Atomic<Int>(0)

    init(threads: Int, maxConcurrent: Int) {
        self.maxConcurrent = maxConcurrent
        pool = NIOThreadPool(numberOfThreads: max(1, threads))
        pool.start()
    }

    /// Runs `work` on a query thread; throws 503 when `maxConcurrent` queries are already admitted. `work` is
    /// given the query's cancellation, to pass to `QueryEngine`.
    func run<T: Sendable>(_ work: @escaping @Sendable (QueryCancellation) throws -> T) async throws -> T {
        guard admitted.add(1, ordering: .relaxed).newValue <= maxConcurrent else {
            admitted.subtract(1, ordering: .relaxed)
            throw APIError(.serviceUnavailable,
                "too many queries at once (the limit is \(maxConcurrent)): retry shortly", retryAfterSeconds: 1)
        }
        defer { admitted.subtract(1, ordering: .relaxed) }
        let cancellation = QueryCancellation()
        let client = ClientConnection.current
        let watch = client?.onDisconnect { cancellation.cancel() }
        defer { if let watch { client?.stopWatching(watch) } }
        // The request's scope (`ReadScopeMiddleware`), or one of its own: reads of other nodes stop with the query,
        // and a node that failed fails it with 503 unless the request allowed a partial answer.
        let scope = ReadScope.current ?? ReadScope()
        return try await withTaskCancellationHandler {
            try await pool.runIfActive { [niceness] in
                QueryPriority.setNiceOfThisThread(niceness)
                scope.attach(deadline: nil, isCancelled: { cancellation.isCancelled }, cancel: { cancellation.cancel() })
                do {
                    let result = try ReadScope.$current.withValue(scope) { try work(cancellation) }
                    if let failure = scope.failure { throw APIError(.serviceUnavailable, failure, retryAfterSeconds: 1) }
                    return result
                } catch let error where scope.failure != nil && Self.mayComeOfTheFailure(error) {
                    throw APIError(.serviceUnavailable, scope.failure!, retryAfterSeconds: 1)
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
    }

    /// Whether `error` may be the doing of a node that failed the read: anything but the request's own refusal —
    /// a 404 included (what was not found may be on the node that did not answer).
    private static func mayComeOfTheFailure(_ error: any Error) -> Bool {
        guard let error = error as? APIError else { return true }
        return error.status == .notFound
    }

    func shutdown() async {
        try? await pool.shutdownGracefully()
    }
}
