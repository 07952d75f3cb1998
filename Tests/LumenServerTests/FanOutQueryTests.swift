import Foundation
import LumenCluster
import LumenEngine
import LumenModel
import Testing

@testable import LumenLoad

/// A query node that reads two other nodes, each holding part of the data (traces and their logs split by the
/// cluster's partitioner, metric samples split by time with one export on both), answers every kind of query
/// exactly as one node fed all of it: the remote answers go through the same merge, dedupe and limits as a
/// node's own sources. Real servers on loopback; the reads between them go over `POST /lumen/v1/internal/read`.
@Suite(.serialized)
struct FanOutQueryTests {
    static let second = Timestamp.nanosecondsPerSecond
    static let start = (Timestamp.now() / second - 600) * second
    static let end = start + 540 * second

    /// Each node's share: spans and logs by the partition of their trace ID, metric exports by turn.
    static func feed(nodes: [TestServer], reference: TestServer) async throws {
        var workload = ShopWorkload(seed: 19)
        let requests = workload.next(240, from: start, over: 480 * second)
        let partitioner = Partitioner(count: 8)
        let protobuf = ["Content-Type": "application/x-protobuf"]
        for (index, node) in nodes.enumerated() {
            let share = requests.filter {
                partitioner.partition(ofHash: PartitionHash.of(tenant: .anonymous, traceID: $0.traceID)) % nodes.count
                    == index
            }
            #expect(!share.isEmpty)
            for post in [OTLPPost.traces(share), OTLPPost.logs(share)] {
                #expect(try await node.post(post.signal.path, body: post.body, headers: protobuf).status == 200)
            }
        }
        for post in [OTLPPost.traces(requests), OTLPPost.logs(requests)] {
            #expect(try await reference.post(post.signal.path, body: post.body, headers: protobuf).status == 200)
        }
        var metrics = ShopMetrics(startTime: start)
        var recorded = 0
        for step in 1...16 {
            let time = start + Int64(step) * 30 * second
            while recorded < requests.count, requests[recorded].spans.map(\.startTime).min()! <= time {
                metrics.record(requests[recorded])
                recorded += 1
            }
            let post = OTLPPost.metrics(metrics, at: time)
            // The first export goes to both nodes: the merge keeps one of each sample.
            let targets = step == 1 ? nodes + [reference] : [nodes[step % nodes.count], reference]
            for target in targets {
                #expect(try await target.post(post.signal.path, body: post.body, headers: protobuf).status == 200)
            }
        }
    }

    static func json(_ result: TestServer.HTTPResult) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: result.body) as? NSDictionary, "\(result.text)")
    }

    /// What must be equal: Prometheus' `data`, Loki's `data.result` (its `stats` hold timings), the rest whole.
    static func answer(_ json: NSDictionary, _ path: String) -> NSObject? {
        if path.hasPrefix("api/") { return json["data"] as? NSObject }
        if path.hasPrefix("loki/") { return (json["data"] as? NSDictionary)?["result"] as? NSObject }
        return json
    }

    /// Two nodes holding data, a reference fed all of it, and a query node reading the two.
    static func servers() async throws -> (a: TestServer, b: TestServer, reference: TestServer, query: TestServer) {
        let a = try await TestServer.start()
        let b = try await TestServer.start()
        let reference = try await TestServer.start()
        let query = try await TestServer.start(readPeers: StaticReadPeers(nodes: [
            ("a", a.apiURL.absoluteString), ("b", b.apiURL.absoluteString),
        ]))
        return (a, b, reference, query)
    }

    @Test func aQueryNodeReadingTwoNodesAnswersAsOneNodeFedAllTheData() async throws {
        let (a, b, reference, query) = try await Self.servers()
        defer { Task { for server in [a, b, reference, query] { await server.stop() } } }
        try await Self.feed(nodes: [a, b], reference: reference)

        let seconds = ["start": "\(Self.start / Self.second)", "end": "\(Self.end / Self.second)"]
        let nanoseconds = ["start": "\(Self.start)", "end": "\(Self.end)"]
        var checks: [(path: String, query: [String: String])] = []
        for promQL in [
            "http_server_requests_total", "sum by (service) (rate(http_server_requests_total[2m]))",
            "histogram_quantile(0.9, sum by (le, service) (rate(http_server_request_duration_seconds_bucket[2m])))",
        ] {
            checks.append(("api/v1/query_range", seconds.merging(["query": promQL, "step": "30"]) { $1 }))
        }
        // Of the exported series only: the span metrics each node generates from its own spans come at their own
        // times.
        checks.append(("api/v1/labels", ["match[]": "http_server_requests_total"]))
        checks.append(("api/v1/label/service/values", ["match[]": "http_server_requests_total"]))
        for logQL in [#"{service="checkout"}"#, #"{service=~".+"} |= "payment""#] {
            checks.append(("loki/api/v1/query_range", nanoseconds.merging(["query": logQL, "limit": "7"]) { $1 }))
        }
        checks.append((
            "loki/api/v1/query_range",
            nanoseconds.merging(["query": #"sum by (service) (count_over_time({service=~".+"}[1m]))"#, "step": "60"])
            { $1 }))
        checks.append(("lumen/v1/service-graph", seconds))
        // A span search stops at its limit: each node's spans come in two pages (its newest 1,000, then the rest).
        for spanQuery in [#"{service="payment"}"#, #"{service="cart" && duration > 1ms}"#] {
            checks.append(("lumen/v1/query", seconds.merging(["query": spanQuery, "limit": "5"]) { $1 }))
        }
        var workload = ShopWorkload(seed: 19)
        for request in workload.next(240, from: Self.start, over: 480 * Self.second).prefix(3) {
            checks.append(("lumen/v1/traces/\(request.traceID.hex)", [:]))
        }

        for check in checks {
            let expected = try await reference.get(check.path, query: check.query)
            let answered = try await query.get(check.path, query: check.query)
            #expect(expected.status == 200, "\(check.path) \(check.query): \(expected.text.prefix(300))")
            #expect(answered.status == 200, "\(check.path) \(check.query): \(answered.text.prefix(300))")
            #expect(
                try Self.answer(Self.json(answered), check.path) == Self.answer(Self.json(expected), check.path),
                "\(check.path) \(check.query)")
            // Every check reads something: an empty answer on both sides would prove nothing.
            #expect(expected.text.count > 60, "\(check.path) \(check.query): \(expected.text.prefix(300))")
        }
        // Each node alone holds less than the whole.
        let whole = try await reference.get("lumen/v1/service-graph", query: seconds)
        #expect(try await Self.json(a.get("lumen/v1/service-graph", query: seconds)) != Self.json(whole))
    }

    /// Log records two nodes both hold (a partition's new owner applies its stream from the start while the old
    /// owner keeps its copy) are counted once by a metric over logs, as a log query reads them once — found by
    /// the ledger test (`test_cluster_ledger.py`), where such counts came out doubled.
    @Test func logRecordsTwoNodesBothHoldAreCountedOnce() async throws {
        let (a, b, reference, query) = try await Self.servers()
        defer { Task { for server in [a, b, reference, query] { await server.stop() } } }
        var workload = ShopWorkload(seed: 7)
        let requests = workload.next(60, from: Self.start, over: 300 * Self.second)
        // The older half on a alone, all of it on b (a copy of a's half), once on the reference.
        let logs = OTLPPost.logs(requests), older = OTLPPost.logs(Array(requests.prefix(30)))
        for (target, post) in [(a, older), (b, logs), (reference, logs)] {
            #expect(try await target.post(post.signal.path, body: post.body, headers: [
                "Content-Type": "application/x-protobuf",
            ]).status == 200)
        }
        let range = ["start": "\(Self.start)", "end": "\(Self.end)", "step": "60"]
        for logQL in [
            #"sum by (service) (count_over_time({service=~".+"}[1m]))"#,
            #"sum(bytes_over_time({service=~".+"} |= "payment" [5m]))"#,
        ] {
            let check = range.merging(["query": logQL]) { $1 }
            let expected = try await reference.get("loki/api/v1/query_range", query: check)
            let answered = try await query.get("loki/api/v1/query_range", query: check)
            #expect(answered.status == 200, "\(logQL): \(answered.text.prefix(300))")
            #expect(expected.text.count > 60, "\(logQL): \(expected.text.prefix(300))")
            #expect(
                try Self.answer(Self.json(answered), "loki/") == Self.answer(Self.json(expected), "loki/"), "\(logQL)")
        }
    }

    @Test func anUnreachableNodeFailsTheQueryUnlessPartialIsAllowed() async throws {
        let a = try await TestServer.start()
        let reference = try await TestServer.start()
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        let query = try await TestServer.start(readPeers: StaticReadPeers(nodes: [
            ("a", a.apiURL.absoluteString), ("gone", "http://127.0.0.1:1"),
        ]))
        defer { Task { for server in [a, reference, query] { await server.stop() } } }
        try await Self.feed(nodes: [a], reference: reference)

        let range = [
            "query": "sum by (service) (rate(http_server_requests_total[2m]))", "step": "30",
            "start": "\(Self.start / Self.second)", "end": "\(Self.end / Self.second)",
        ]
        let failed = try await query.get("api/v1/query_range", query: range)
        #expect(failed.status == 503)
        let error = try Self.json(failed)
        #expect(error["errorType"] as? String == "unavailable")
        #expect((error["error"] as? String)?.contains("node gone did not answer") == true, "\(error)")

        let partial = try await query.get("api/v1/query_range", query: range.merging(["partial": "true"]) { $1 })
        #expect(partial.status == 200, "\(partial.text.prefix(300))")
        let answer = try Self.json(partial)
        let warnings = try #require(answer["warnings"] as? [String])
        #expect(!warnings.isEmpty && warnings.allSatisfy { $0.contains("node gone did not answer") }, "\(warnings)")
        #expect(partial.headers["warning"]?.contains("node gone") == true)
        let alone = try Self.json(try await a.get("api/v1/query_range", query: range))
        #expect(answer["data"] as? NSDictionary == alone["data"] as? NSDictionary)

        let trace = try await query.get("lumen/v1/traces/\(TraceID(high: 1, low: 2).hex)")
        #expect(trace.status == 503, "\(trace.text.prefix(300))")
    }

    /// The internal read takes a request another node built, so it checks what a route checks for a client: an
    /// exemplar read over a range that ends before it starts trapped the node before it was refused.
    @Test func anInternalReadWithAReversedRangeIsRefusedAndTheNodeStaysUp() async throws {
        let node = try await TestServer.start()
        defer { Task { await node.stop() } }
        for read in [RemoteRead.exemplars, .metricSeries, .logPages, .spanPages] {
            let call = InternalRead(
                read: read, request: ReadRequest(tenant: .anonymous, from: 10, to: 0), timeoutMilliseconds: 1_000)
            let answer = try await node.post(
                String(InternalRead.path.dropFirst()), body: try JSONEncoder().encode(call),
                headers: ["Content-Type": "application/json"], api: true)
            #expect(answer.status == 400, "\(read): \(answer.text.prefix(200))")
            #expect(answer.text.contains("ends before it starts"))
        }
        #expect(try await node.get("ready").status == 200)
    }
}
