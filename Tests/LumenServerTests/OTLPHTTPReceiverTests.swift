import CompressNIO
import Foundation
import LumenModel
import LumenQuery
import LumenWire
import NIOCore
import Testing

/// The OTLP/HTTP receiver over real sockets: formats, encodings, every error path, tenants.
struct OTLPHTTPReceiverTests {
    static let protobuf = ["Content-Type": "application/x-protobuf"]
    static let json = ["Content-Type": "application/json"]

    @Test func protobufTracesAreAcknowledgedAndQueryableAsOneTrace() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let response = try await server.post("v1/traces", body: Fixtures.tracesBody(), headers: Self.protobuf)
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/x-protobuf")

        let trace = try await server.get("lumen/v1/traces/\(Fixtures.traceID.hex)")
        #expect(trace.status == 200)
        let decoded = try JSONDecoder().decode(TraceResponse.self, from: trace.body)
        #expect(Set(decoded.spans.map(\.service)) == ["frontend", "checkout", "payment"])
        #expect(decoded.spans.first { $0.name == "Charge" }?.parentSpanId == SpanID(2).hex)
    }

    @Test func jsonRequestsAreAnsweredInJSON() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let response = try await server.post("v1/logs", body: Fixtures.logsBody(.json), headers: Self.json)
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        #expect(try JSONSerialization.jsonObject(with: response.body) is [String: Any])
    }

    @Test func gzipBodiesAreInflated() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        var buffer = ByteBuffer(data: Fixtures.tracesBody())
        let compressed = try buffer.compress(with: .gzip)
        let response = try await server.post(
            "v1/traces", body: Data(buffer: compressed),
            headers: Self.protobuf.merging(["Content-Encoding": "gzip"]) { $1 })
        #expect(response.status == 200)
        let trace = try await server.get("lumen/v1/traces/\(Fixtures.traceID.hex)")
        #expect(trace.status == 200)
    }

    @Test func aGzipBombIsRefusedWith413() async throws {
        let server = try await TestServer.start { $0.maxBodyBytes = 64 << 10 }
        defer { Task { await server.stop() } }
        var zeros = ByteBuffer(repeating: 0, count: 8 << 20)
        let bomb = try zeros.compress(with: .gzip)
        #expect(bomb.readableBytes < 64 << 10)
        let response = try await server.post(
            "v1/traces", body: Data(buffer: bomb), headers: Self.protobuf.merging(["Content-Encoding": "gzip"]) { $1 })
        #expect(response.status == 413)
    }

    @Test func aBodyOverTheLimitIsRefusedWith413() async throws {
        let server = try await TestServer.start { $0.maxBodyBytes = 1024 }
        defer { Task { await server.stop() } }
        let response = try await server.post(
            "v1/traces", body: Data(repeating: 0x0a, count: 4096), headers: Self.protobuf)
        #expect(response.status == 413)
    }

    @Test func anUnknownContentTypeIsRefusedWith415() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let response = try await server.post("v1/traces", body: Data("x".utf8), headers: ["Content-Type": "text/csv"])
        #expect(response.status == 415)
        #expect(response.text.contains("application/x-protobuf"))
    }

    @Test func anUnknownContentEncodingIsRefusedWith415() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let response = try await server.post(
            "v1/traces", body: Fixtures.tracesBody(), headers: Self.protobuf.merging(["Content-Encoding": "br"]) { $1 })
        #expect(response.status == 415)
    }

    @Test func malformedJSONIsRefusedWith400AndAMessage() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let response = try await server.post("v1/traces", body: Data("{\"resourceSpans\": [".utf8), headers: Self.json)
        #expect(response.status == 400)
        let status = try JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        #expect((status?["message"] as? String)?.isEmpty == false)
    }

    @Test func malformedProtobufIsRefusedWith400() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let response = try await server.post("v1/metrics", body: Data([0x0a, 0xff, 0xff, 0x01]), headers: Self.protobuf)
        #expect(response.status == 400)
    }

    @Test func invalidSpansAreReportedAsPartialSuccessAndTheRestKept() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        var broken = Fixtures.spans[0]
        broken.spanID = .zero
        let body = Fixtures.tracesBody(.json, spans: [broken] + Fixtures.spans.dropFirst())
        let response = try await server.post("v1/traces", body: body, headers: Self.json)
        #expect(response.status == 200)
        let object = try JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        let partial = object?["partialSuccess"] as? [String: Any]
        #expect("\(partial?["rejectedSpans"] ?? "")" == "1")
        let trace = try JSONDecoder().decode(
            TraceResponse.self, from: try await server.get("lumen/v1/traces/\(Fixtures.traceID.hex)").body)
        #expect(trace.spans.count == 2)
    }

    @Test func tenantsNeverSeeEachOthersData() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let sent = try await server.post(
            "v1/traces", body: Fixtures.tracesBody(), headers: Self.protobuf.merging(["X-Scope-OrgID": "team-a"]) { $1 })
        #expect(sent.status == 200)
        let path = "lumen/v1/traces/\(Fixtures.traceID.hex)"
        #expect(try await server.get(path, headers: ["X-Scope-OrgID": "team-a"]).status == 200)
        #expect(try await server.get(path, headers: ["X-Scope-OrgID": "team-b"]).status == 404)
        #expect(try await server.get(path).status == 404)
        let invalid = try await server.post(
            "v1/traces", body: Fixtures.tracesBody(), headers: Self.protobuf.merging(["X-Scope-OrgID": "../x"]) { $1 })
        #expect(invalid.status == 400)
    }

    @Test func acknowledgedDataIsThereAfterARestart() async throws {
        let first = try await TestServer.start()
        #expect(try await first.post("v1/traces", body: Fixtures.tracesBody(), headers: Self.protobuf).status == 200)
        #expect(try await first.post("v1/logs", body: Fixtures.logsBody(), headers: Self.protobuf).status == 200)
        #expect(try await first.post("v1/metrics", body: Fixtures.metricsJSON(), headers: Self.json).status == 200)
        await first.stop()

        let second = try await TestServer.start(dataDirectory: first.dataDirectory)
        defer { Task { await second.stop() } }
        let trace = try JSONDecoder().decode(
            TraceResponse.self, from: try await second.get("lumen/v1/traces/\(Fixtures.traceID.hex)").body)
        #expect(trace.spans.count == 3)
        #expect(trace.logs.count == 3)
        let metric = try JSONDecoder().decode(
            QueryResponse.self,
            from: try await second.get(
                "lumen/v1/query", query: ["query": "http_server_requests_total", "time": "\(Double(Fixtures.start) / 1e9)"]
            ).body)
        #expect(metric.series?.first?.points.first?.v == "42")
    }
}

extension Data {
    init(buffer: ByteBuffer) {
        self.init(buffer.readableBytesView)
    }
}

extension ByteBuffer {
    init(data: Data) {
        self.init(bytes: data)
    }
}
