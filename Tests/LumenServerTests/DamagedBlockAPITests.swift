import Foundation
import Logging
import LumenModel
import Testing

@testable import LumenEngine

/// What a user of the query APIs sees of a damaged block page: the answer holds the rest of the block, and says
/// which block, signal and times it left out — Prometheus' and Loki's `warnings`, the native API's `warnings`, a
/// `Warning` header — while a query that does not reach the page has no warning; `/metrics` counts the page.
struct DamagedBlockAPITests {
    private static let base: Int64 = 1_763_000_000_000_000_000
    private static let second: Int64 = 1_000_000_000

    /// A store with one block: three services' logs 100 s apart (a page each) and a series of 3,000 samples (three
    /// chunks); a byte flipped in the `bravo` log page and in the middle chunk. Returns the data directory, the
    /// block's ID and the damaged page's times.
    private static func damagedStore() async throws
        -> (directory: String, block: String, bravo: ClosedRange<Int64>, damagedTrace: TraceID)
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lumen-test-\(UUID())").path
        var batch = Batch(tenant: .anonymous)
        for (index, service) in ["alpha", "bravo", "charlie"].enumerated() {
            for record in 0..<20 {
                batch.logs.append(LogRecord(
                    time: base + Int64(index * 100 + record) * second, severity: Severity(.info),
                    body: .string("\(service) handled request \(record)"),
                    resource: Resource(attributes: [Attribute("service.name", .string(service))])))
            }
        }
        batch.series = [TimeSeries(
            labels: Labels(["__name__": "requests_total", "service": "cart"]),
            samples: (0..<3_000).map { Sample(timestamp: base + Int64($0) * second, value: Double($0)) })]
        // 1,500 one-span traces: the span part has two pages.
        batch.spans = (0..<1_500).map { number in
            let start = base + Int64(number) * second
            return Span(
                traceID: TraceID(high: 0xabc, low: UInt64(number)), spanID: SpanID(UInt64(number) + 1), name: "GET /",
                kind: .server, startTime: start, endTime: start + 1_000_000,
                resource: Resource(attributes: [Attribute("service.name", .string("frontend"))]))
        }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let storage = try Storage(directory: directory, logger: logger)
        try await storage.append(batch)
        try await storage.flush()
        let block = try #require(storage.blocks.first)
        let bravo = try #require(block.logs?.streams.first { $0.labels["service"] == "bravo" }?.pages.first)
        let series = try #require(try block.metrics?.series(ReadRequest(tenant: .anonymous)).first)
        guard case .chunks(_, let chunks, _, _) = series.samples else { throw BlockError(.corrupt, "no chunks") }
        let spanPage = try #require(block.spans?.index.pages.last)
        try storage.close()
        try flipByte(in: block.directory + "/logs/pages", at: bravo.offset + 6)
        try flipByte(in: block.directory + "/spans/pages", at: spanPage.offset + 8)
        try flipByte(in: block.directory + "/metrics/chunks", at: chunks[1].offset + 8)
        return (directory, block.meta.id, bravo.minTime...bravo.maxTime, spanPage.firstTraceID)
    }

    private static func flipByte(in path: String, at offset: Int) throws {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[offset] ^= 0x5a
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    private static func warnings(_ result: TestServer.HTTPResult) throws -> [String] {
        let json = try #require(try JSONSerialization.jsonObject(with: result.body) as? [String: Any])
        return json["warnings"] as? [String] ?? []
    }

    @Test func queriesTouchingADamagedPageAnswerTheRestWithAWarningNamingIt() async throws {
        let (directory, block, bravo, damagedTrace) = try await Self.damagedStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await TestServer.start(dataDirectory: directory)
        defer { Task { await server.stop() } }
        let from = String(Self.base)
        let to = String(Self.base + 3_000 * Self.second)

        let loki = try await server.get("/loki/api/v1/query_range", query: [
            "query": "{severity=\"info\"}", "start": from, "end": to, "limit": "1000",
        ])
        #expect(loki.status == 200)
        let streams = try #require(
            ((try JSONSerialization.jsonObject(with: loki.body) as? [String: Any])?["data"] as? [String: Any])?["result"]
                as? [[String: Any]])
        #expect(streams.compactMap { ($0["stream"] as? [String: String])?["service"] }.sorted() == ["alpha", "charlie"])
        let lokiWarnings = try Self.warnings(loki)
        #expect(lokiWarnings.count == 1)
        let warning = try #require(lokiWarnings.first)
        #expect(warning.contains("block \(block) (logs)"))
        #expect(warning.contains(BlockError.time(bravo.lowerBound)) && warning.contains(BlockError.time(bravo.upperBound)))
        #expect(loki.headers["warning"]?.contains("block \(block) (logs)") == true)

        let count = try await server.get("/loki/api/v1/query_range", query: [
            "query": "sum(count_over_time({severity=\"info\"}[1h]))", "start": to, "end": to, "step": "60",
        ])
        #expect(try Self.warnings(count) == [warning])

        let promql = try await server.get("/api/v1/query_range", query: [
            "query": "requests_total", "start": String(Self.base / Self.second),
            "end": String(Self.base / Self.second + 3_000), "step": "60",
        ])
        #expect(promql.status == 200)
        let promWarnings = try Self.warnings(promql)
        #expect(promWarnings.count == 1 && promWarnings.first?.contains("block \(block) (metrics)") == true)

        let native = try await server.get("/lumen/v1/query", query: [
            "query": "{severity=\"info\"}", "start": String(Self.base / Self.second),
            "end": String(Self.base / Self.second + 3_000), "limit": "1000",
        ])
        #expect(native.status == 200)
        #expect(try Self.warnings(native) == [warning])

        // Jaeger: a trace whose page is damaged is not found; the answer's traces carry the warning.
        let jaeger = try await server.get("/jaeger/api/traces/\(damagedTrace.hex)")
        let traces = (try JSONSerialization.jsonObject(with: jaeger.body) as? [String: Any])?["data"] as? [[String: Any]]
        #expect(traces?.isEmpty ?? true)
        #expect(jaeger.headers["warning"]?.contains("block \(block) (spans)") == true)
        let search = try await server.get("/jaeger/api/traces", query: [
            "service": "frontend", "start": String(Self.base / 1_000), "end": String((Self.base + 1_500 * Self.second) / 1_000),
            "limit": "5",
        ])
        let found = try #require((try JSONSerialization.jsonObject(with: search.body) as? [String: Any])?["data"] as? [[String: Any]])
        #expect(!found.isEmpty)
        #expect(found.allSatisfy { ($0["warnings"] as? [String])?.contains { $0.contains("(spans)") } == true })

        // A query that does not reach the damaged page has nothing to warn of.
        let alpha = try await server.get("/loki/api/v1/query_range", query: [
            "query": "{service=\"alpha\"}", "start": from, "end": String(Self.base + 50 * Self.second),
        ])
        #expect(alpha.status == 200)
        #expect(try Self.warnings(alpha).isEmpty)
        #expect(alpha.headers["warning"] == nil)

        let metrics = try await server.get("/metrics")
        #expect(metrics.text.contains("lumen_storage_damaged_pages_total{signal=\"logs\"} 1"))
        #expect(metrics.text.contains("lumen_storage_damaged_pages_total{signal=\"metrics\"} 1"))
        #expect(metrics.text.contains("lumen_storage_damaged_pages_total{signal=\"spans\"} 1"))
        #expect(metrics.text.contains("lumen_storage_damaged_pages_total{signal=\"exemplars\"} 0"))
    }
}
