import Foundation
import LumenModel
import LumenQuery
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import LumenServer

/// A query stops when its time is up (503 `timeout`, as Prometheus answers), when its task is cancelled, and
/// when its client disconnects — it does not run on for minutes holding a query thread.
struct QueryCancellationTests {
    /// A thousand steps, each summing 3.6 million subquery points: minutes of work unless something stops it.
    static let slowRange = [
        "query": "sum_over_time(vector(1)[1h:1ms])", "start": "0", "end": "1000", "step": "1",
    ]

    @Test func aSlowQueryPastItsTimeoutAnswers503TimeoutQuickly() async throws {
        let server = try await TestServer.start { $0.queryLimits.timeout = .milliseconds(50) }
        defer { Task { await server.stop() } }
        let started = ContinuousClock.now
        let prometheus = try await server.get("api/v1/query_range", query: Self.slowRange)
        #expect(prometheus.status == 503)
        #expect(prometheus.text.contains(#""errorType":"timeout""#), "\(prometheus.text)")
        let native = try await server.get("lumen/v1/query", query: Self.slowRange)
        #expect(native.status == 503)
        let object = try JSONSerialization.jsonObject(with: native.body) as? [String: Any]
        #expect(object?["kind"] as? String == "timeout")
        #expect((object?["error"] as? String)?.contains("timed out") == true)
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test func eachKindAnswersPrometheusStatusAndErrorType() {
        let expected: [QueryError.Kind: (Int, String)] = [
            .badData: (400, "bad_data"), .execution: (422, "execution"), .tooLarge: (422, "execution"),
            .canceled: (499, "canceled"), .timeout: (503, "timeout"), .internal: (500, "internal"),
            .unavailable: (503, "unavailable"),
        ]
        for kind in QueryError.Kind.allCases {
            #expect(kind.status.code == expected[kind]?.0, "\(kind)")
            #expect(kind.prometheusErrorType == expected[kind]?.1, "\(kind)")
        }
    }

    /// Loki's routes answer as Loki does (`ClientHTTPStatusAndError`): what the client can change 400, canceled 499,
    /// timed out 504, internal 500; Lumen's `unavailable` 503 with Retry-After. In plain text, as Loki writes errors.
    @Test func eachKindAnswersLokisStatusOnLokisRoutes() {
        let expected: [QueryError.Kind: Int] = [
            .badData: 400, .execution: 400, .tooLarge: 400, .canceled: 499, .timeout: 504, .internal: 500,
            .unavailable: 503,
        ]
        for kind in QueryError.Kind.allCases {
            let response = LokiRoutes.failure(QueryError("the query failed: \(kind)", kind: kind))
            #expect(response.status.code == expected[kind], "\(kind)")
            #expect(response.headers[.contentType] == "text/plain; charset=utf-8")
            #expect(response.headers[.retryAfter] == (kind == .unavailable ? "1" : nil), "\(kind)")
            let api = LokiRoutes.failure(APIError(QueryError("the query failed", kind: kind)))
            #expect(api.status.code == expected[kind], "as an APIError: \(kind)")
        }
        #expect(LokiRoutes.failure(APIError(.notFound, "no such label")).status == .notFound)
    }

    @Test func aSampleLimitOverrunAnswers422Execution() async throws {
        let server = try await TestServer.start { $0.queryLimits.maxSamples = 2 }
        defer { Task { await server.stop() } }
        for minute in 0..<5 {
            let time = Fixtures.start - Int64(4 - minute) * 60 * Timestamp.nanosecondsPerSecond
            _ = try await server.post(
                "v1/metrics", body: Fixtures.metricsJSON(value: Double(10 * minute), at: time),
                headers: ["Content-Type": "application/json"])
        }
        let response = try await server.get("api/v1/query", query: [
            "query": "count_over_time(http_server_requests_total[10m])", "time": "\(Double(Fixtures.start) / 1e9)",
        ])
        #expect(response.status == 422, "\(response.text)")
        #expect(response.text.contains(#""errorType":"execution""#))
    }

    @Test func aCancelledTaskStopsItsQuery() async throws {
        let executor = QueryExecutor(threads: 1, maxConcurrent: 1)
        let running = Flag()
        let task = Task {
            try await executor.run { cancellation in
                running.value.store(true, ordering: .relaxed)
                while !cancellation.isCancelled { usleep(1000) }
                return "stopped"
            }
        }
        while !running.value.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        #expect(try await task.value == "stopped")
        #expect(try await executor.run { _ in 1 } == 1)
        await executor.shutdown()
    }

    @Test func aClientThatDisconnectsStopsItsQuery() async throws {
        // No sample limit and a long timeout: only the disconnect can stop the query, so it holds its slot until
        // then however slowly the machine runs (with the default limit it could end on its own before a poll saw
        // the slot taken).
        let server = try await TestServer.start {
            $0.maxConcurrentQueries = 1
            $0.queryLimits.maxSamples = .max
            $0.queryLimits.timeout = .seconds(600)
        }
        defer { Task { await server.stop() } }
        let socket = try await Self.slowQueryHoldingTheOnlySlot(on: server)
        close(socket)
        // Freed once the disconnect has stopped the slow query.
        try await Self.poll { try await server.get("api/v1/query", query: ["query": "1"]).status == 200 }
    }

    /// Sends the slow query on a connection of its own and returns that connection once the query holds the one
    /// query slot: a probe query is refused. The probe takes the slot for a moment too, so the slow query may
    /// arrive while the probe runs and be refused itself (its connection gets an answer); it is then sent again.
    private static func slowQueryHoldingTheOnlySlot(on server: TestServer) async throws -> Int32 {
        var components = URLComponents()
        components.queryItems = slowRange.map { URLQueryItem(name: $0.key, value: $0.value) }
        let request = "GET /api/v1/query_range?\(components.percentEncodedQuery!) HTTP/1.1\r\nHost: x\r\n\r\n"
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            let socket = try #require(connect(port: server.apiURL.port!))
            _ = Array(request.utf8).withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
            repeat {
                if try await server.get("api/v1/query", query: ["query": "1"]).status == 503 { return socket }
                try #require(ContinuousClock.now < deadline, "the slow query did not take the query slot")
                try await Task.sleep(for: .milliseconds(20))
            } while !isAnswered(socket)
            close(socket)
        }
    }

    /// Whether the server has answered on `socket` (without waiting or consuming the answer).
    private static func isAnswered(_ socket: Int32) -> Bool {
        var byte: UInt8 = 0
        return recv(socket, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) > 0
    }

    private final class Flag: Sendable {
        let value = Atomic<Bool>(false)
    }

    private static func poll(within limit: Duration = .seconds(20), _ condition: () async throws -> Bool)
        async throws
    {
        let deadline = ContinuousClock.now + limit
        while try await !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("the condition did not hold within \(limit)")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    private static func connect(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }
}
