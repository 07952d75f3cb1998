import Foundation
import LumenModel
import LumenWire
import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import LumenServer

/// `max_body_bytes` through the real server: exact for every encoding and push protocol, a declared
/// `Content-Length` over it answered at once, and every refusal counted in `lumen_ingest_refused_requests_total`.
struct BodyLimitServerTests {
    static let limit = 64 << 10

    private static func start() async throws -> TestServer {
        try await TestServer.start { $0.limits.defaults.maxBodyBytes = limit }
    }

    /// Sends `request` as is on a new connection to `port` and returns what comes back within `timeout` seconds
    /// ("" if nothing came). Blocks a thread of its own, not one of the pool the server's handlers run on.
    private static func rawExchange(port: Int, _ request: String, timeout: Int = 5) async -> String {
        await withCheckedContinuation { answer in
            Thread.detachNewThread { answer.resume(returning: blockingExchange(port: port, request, timeout: timeout)) }
        }
    }

    private static func blockingExchange(port: Int, _ request: String, timeout: Int) -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return "" }
        var wait = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        _ = Array(request.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
    }

    @Test func aContentLengthOfAPetabyteIsAnswered413BeforeTheBodyIsRead() async throws {
        let server = try await Self.start()
        defer { Task { await server.stop() } }
        // Three bytes of the petabyte are sent and the connection stays open: any answer at all came before the
        // body (the request timeout is a minute; the bound only stops a hang, it does not time the answer).
        let answer = await Self.rawExchange(
            port: server.otlpURL.port!,
            "POST /v1/traces HTTP/1.1\r\nHost: lumen\r\nContent-Type: application/x-protobuf\r\n"
                + "Content-Length: 1000000000000000\r\n\r\nabc", timeout: 30)
        #expect(answer.hasPrefix("HTTP/1.1 413"))
        #expect(answer.contains("1000000000000000 bytes (Content-Length), over the limit of \(Self.limit) bytes"))
    }

    @Test(arguments: ["identity", "gzip", "deflate"])
    func anOTLPBodyOfExactlyTheLimitIsDecodedAndOneByteMoreIs413(encoding: String) async throws {
        let server = try await Self.start()
        defer { Task { await server.stop() } }
        let spans = OTLPEncoder.body(OTLPEncoder.traces(Fixtures.spans), format: .protobuf)
        // Unknown field 15 of ExportTraceServiceRequest pads the body: a length-delimited value the decoder skips.
        func padded(to size: Int) throws -> Data {
            let header = 1 + 3  // tag, 3-byte length (< 2 MiB)
            let padding = size - spans.count - header
            let length = [UInt8(padding & 0x7f | 0x80), UInt8(padding >> 7 & 0x7f | 0x80), UInt8(padding >> 14)]
            let body = spans + Data([15 << 3 | 2] + length) + Data(repeating: 0x61, count: padding)
            #expect(body.count == size)
            let encoded = try ContentEncoding.encode(ByteBuffer(bytes: body), encoding: encoding)
            return Data(encoded.readableBytesView)
        }
        let headers = ["Content-Type": "application/x-protobuf", "Content-Encoding": encoding]
        let atLimit = try await server.post("v1/traces", body: try padded(to: Self.limit), headers: headers)
        #expect(atLimit.status == 200)
        let over = try await server.post("v1/traces", body: try padded(to: Self.limit + 1), headers: headers)
        #expect(over.status == 413)

        let metrics = try await server.get("metrics").text
        #expect(metrics.contains(#"lumen_ingest_refused_requests_total{protocol="otlp_http",reason="body_too_large"} 1"#))
    }

    @Test func everyPushProtocolRefusesABodyOverTheLimitAndCountsIt() async throws {
        let server = try await Self.start()
        defer { Task { await server.stop() } }
        let big = Data(repeating: 0x20, count: Self.limit + 1)
        let snappy = Data(Snappy.compress([UInt8](repeating: 0, count: Self.limit + 1)))
        let gzip = Data(try ContentEncoding.encode(ByteBuffer(bytes: big), encoding: "gzip").readableBytesView)
        let cases: [(path: String, body: Data, headers: [String: String], counter: String)] = [
            ("api/v1/write", snappy, ["Content-Type": "application/x-protobuf", "Content-Encoding": "snappy"],
                "remote_write"),
            ("loki/api/v1/push", snappy, ["Content-Type": "application/x-protobuf"], "loki"),
            ("loki/api/v1/push", gzip, ["Content-Type": "application/json", "Content-Encoding": "gzip"], "loki"),
            ("loki/api/v1/push", big, ["Content-Type": "application/json"], "loki"),
            ("api/v2/spans", gzip, ["Content-Type": "application/json", "Content-Encoding": "gzip"], "zipkin"),
            ("api/v2/spans", big, ["Content-Type": "application/json"], "zipkin"),
        ]
        for (path, body, headers, _) in cases {
            let answer = try await server.post(path, body: body, headers: headers)
            #expect(answer.status == 413, "\(path) \(headers)")
        }
        let metrics = try await server.get("metrics").text
        #expect(metrics.contains(#"lumen_ingest_refused_requests_total{protocol="remote_write",reason="body_too_large"} 1"#))
        #expect(metrics.contains(#"lumen_ingest_refused_requests_total{protocol="loki",reason="body_too_large"} 3"#))
        #expect(metrics.contains(#"lumen_ingest_refused_requests_total{protocol="zipkin",reason="body_too_large"} 2"#))
    }

    @Test func aRequestOfFieldsOfTheWrongWireTypeIs400AndCounted() async throws {
        let server = try await Self.start()
        defer { Task { await server.stop() } }
        let answer = try await server.post(
            "v1/logs", body: Data([1 << 3, 1]), headers: ["Content-Type": "application/x-protobuf"])
        #expect(answer.status == 400)
        let metrics = try await server.get("metrics").text
        #expect(metrics.contains(#"lumen_ingest_refused_requests_total{protocol="otlp_http",reason="invalid"} 1"#))
    }
}
