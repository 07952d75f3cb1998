import Foundation
import Synchronization
import Testing

@testable import LumenServer

/// Queries run on threads of their own, admitted up to a limit: one more is told to come back (503 with
/// Retry-After) instead of queueing on the threads ingest needs.
struct QueryExecutorTests {
    @Test func aQueryPastTheConcurrencyLimitIsToldToRetryAndTheNextAfterItIsAdmitted() async throws {
        let executor = QueryExecutor(threads: 1, maxConcurrent: 1)
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let running = Task { try await executor.run { _ in started.signal(); release.wait(); return 1 } }
        // Waited for on a thread of its own: a semaphore must not block Swift's pool.
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { started.wait(); continuation.resume() }
        }
        await #expect(throws: APIError.self) { try await executor.run { _ in 2 } }
        do {
            _ = try await executor.run { _ in 2 }
        } catch let error as APIError {
            #expect(error.status == .serviceUnavailable)
            #expect(error.retryAfterSeconds == 1)
        }
        release.signal()
        #expect(try await running.value == 1)
        #expect(try await executor.run { _ in 3 } == 3)
        await executor.shutdown()
    }

    @Test func theQueryThreadIsNotOneOfSwiftsPool() async throws {
        let executor = QueryExecutor(threads: 1, maxConcurrent: 4)
        let name = try await executor.run { _ in Thread.current.name ?? "" }
        #expect(!name.isEmpty && !name.contains("cooperative") && !name.contains("default-qos"), "\(name)")
        await executor.shutdown()
    }

    #if os(Linux)
    /// The query thread yields the CPU to ingest; the thread that asked (Swift's pool) keeps its priority.
    @Test func theQueryThreadRunsTenNiceLevelsBelowTheRestOfTheProcess() async throws {
        let before = QueryPriority.niceOfThisThread
        let executor = QueryExecutor(threads: 1, maxConcurrent: 4)
        for _ in 0..<2 {
            #expect(try await executor.run { _ in QueryPriority.niceOfThisThread } == min(19, before + 10))
        }
        #expect(QueryPriority.niceOfThisThread == before)
        await executor.shutdown()
    }

    /// So do the API's event loops, which write the answers.
    @Test func theAPIsEventLoopsRunTenNiceLevelsBelowTheRestOfTheProcess() async throws {
        let before = QueryPriority.niceOfThisThread
        let loops = try await QueryPriority.eventLoops(threads: 2)
        for loop in loops.makeIterator() {
            #expect(try await loop.submit { QueryPriority.niceOfThisThread }.get() == min(19, before + 10))
        }
        try await loops.shutdownGracefully()
    }
    #endif

    @Test func aRefusedPrometheusQueryAnswersUnavailableWithRetryAfter() async throws {
        let server = try await TestServer.start { $0.maxConcurrentQueries = 0 }
        defer { Task { await server.stop() } }
        let response = try await server.get("api/v1/query", query: ["query": "vector(1)", "time": "100"])
        #expect(response.status == 503)
        #expect(response.headers["retry-after"] == "1")
        #expect(response.text.contains(#""errorType":"unavailable""#))
    }
}
