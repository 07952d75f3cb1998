import Foundation
import LumenModel
import LumenWire
import Testing

/// The Prometheus endpoints Grafana, promtool and prometheus-api-client ask besides queries, over real sockets.
struct PrometheusCompatibilityAPITests {
    /// Two services' request counters, and a duration histogram of `cart` only, described as the SDK describes
    /// them.
    static func metricsJSON(at time: Int64) -> Data {
        func counter(_ service: String) -> String {
            """
            {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"\(service)"}}]},
             "scopeMetrics":[{"metrics":[{"name":"http.server.requests","unit":"{request}",
               "description":"Requests served",
               "sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[
                 {"timeUnixNano":"\(time)","asDouble":3}]}}]}]}
            """
        }
        let histogram = """
            {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart"}}]},
             "scopeMetrics":[{"metrics":[{"name":"http.server.duration","unit":"s","description":"Time to answer",
               "histogram":{"aggregationTemporality":2,"dataPoints":[
                 {"timeUnixNano":"\(time)","count":"1","sum":0.05,"explicitBounds":[0.1],"bucketCounts":["1","0"]}]}}]}]}
            """
        let resources: [String] = [counter("cart"), counter("payment"), histogram]
        return Data(("{\"resourceMetrics\":[" + resources.joined(separator: ",") + "]}").utf8)
    }

    private func loaded() async throws -> TestServer {
        let server = try await TestServer.start()
        let posted = try await server.post(
            "v1/metrics", body: Self.metricsJSON(at: Fixtures.start), headers: ["Content-Type": "application/json"])
        #expect(posted.status == 200, "\(posted.text)")
        return server
    }

    private func data(_ response: TestServer.HTTPResult) throws -> Any? {
        #expect(response.status == 200, "\(response.text)")
        let object = try JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        #expect(object?["status"] as? String == "success")
        return object?["data"]
    }

    @Test func labelValuesWithMatchAnswerOnlyForTheSelectedSeries() async throws {
        let server = try await loaded()
        defer { Task { await server.stop() } }
        let all = try data(try await server.get("api/v1/label/service/values")) as? [String]
        #expect(all == ["cart", "payment"])
        let matched = try data(try await server.get(
            "api/v1/label/service/values", query: ["match[]": "http_server_duration_seconds_count"])) as? [String]
        #expect(matched == ["cart"])
        let names = try data(try await server.get(
            "api/v1/label/__name__/values", query: ["match[]": #"{service="payment"}"#])) as? [String]
        #expect(names == ["http_server_requests_total"])
    }

    @Test func labelNamesWithMatchAnswerOnlyTheSelectedSeriesLabels() async throws {
        let server = try await loaded()
        defer { Task { await server.stop() } }
        let all = try data(try await server.get("api/v1/labels")) as? [String]
        #expect(all?.contains("le") == true)
        let matched = try data(try await server.get(
            "api/v1/labels", query: ["match[]": "http_server_requests_total"])) as? [String]
        #expect(matched == ["__name__", "service"])
    }

    @Test func labelsOutsideStartAndEndAreLeftOut() async throws {
        let server = try await loaded()
        defer { Task { await server.stop() } }
        let at = Double(Fixtures.start) / 1e9
        let before = ["start": "\(at - 7200)", "end": "\(at - 3600)"]
        #expect(try data(try await server.get("api/v1/label/service/values", query: before)) as? [String] == [])
        #expect(try data(try await server.get("api/v1/labels", query: before)) as? [String] == [])
        let around = ["start": "\(at - 60)", "end": "\(at + 60)"]
        #expect(
            try data(try await server.get("api/v1/label/service/values", query: around)) as? [String]
                == ["cart", "payment"])
        let backwards = try await server.get("api/v1/labels", query: ["start": "\(at)", "end": "\(at - 60)"])
        #expect(backwards.status == 400)
        let badName = try await server.get("api/v1/label/not-a-label/values")
        #expect(badName.status == 400)
    }

    @Test func metadataCarriesWhatOTLPAndRemoteWriteSaid() async throws {
        let server = try await loaded()
        defer { Task { await server.stop() } }
        let request = Prometheus_WriteRequest.with {
            $0.metadata = [.with {
                $0.type = .gauge
                $0.metricFamilyName = "node_load1"
                $0.help = "1m load average."
            }]
        }
        let written = try await server.post(
            "api/v1/write", body: Data(Snappy.compress(try request.serializedBytes())),
            headers: ["Content-Type": "application/x-protobuf", "Content-Encoding": "snappy"])
        #expect(written.status == 204, "\(written.text)")

        let all = try data(try await server.get("api/v1/metadata")) as? [String: [[String: String]]]
        #expect(all?["http_server_requests_total"] == [["type": "counter", "help": "Requests served", "unit": ""]])
        #expect(all?["http_server_duration_seconds"]
            == [["type": "histogram", "help": "Time to answer", "unit": "seconds"]])
        #expect(all?["node_load1"] == [["type": "gauge", "help": "1m load average.", "unit": ""]])

        let one = try data(try await server.get("api/v1/metadata", query: ["metric": "node_load1"]))
        #expect((one as? [String: Any])?.keys.sorted() == ["node_load1"])
        let limited = try data(try await server.get("api/v1/metadata", query: ["limit": "1"]))
        #expect((limited as? [String: Any])?.count == 1)
        #expect(try await server.get("api/v1/metadata", query: ["limit": "many"]).status == 400)

        // Another tenant was told nothing.
        let other = try await server.get("api/v1/metadata", headers: ["X-Scope-OrgID": "someone-else"])
        #expect((try data(other) as? [String: Any])?.isEmpty == true)
    }

    @Test func statusEndpointsAndTheRootAnswerInPrometheusShape() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let build = try data(try await server.get("api/v1/status/buildinfo")) as? [String: String]
        #expect(build?.keys.sorted() == ["branch", "buildDate", "buildUser", "goVersion", "revision", "version"])
        let runtime = try data(try await server.get("api/v1/status/runtimeinfo")) as? [String: Any]
        #expect(runtime?.keys.sorted() == [
            "CWD", "GODEBUG", "GOGC", "GOMAXPROCS", "corruptionCount", "goroutineCount", "lastConfigTime",
            "reloadConfigSuccess", "startTime", "storageRetention",
        ])
        #expect(runtime?["storageRetention"] as? String == "15d")
        let formatted = try data(try await server.get(
            "api/v1/format_query", query: ["query": #"sum by(job)(rate(x{b="1",a="2"}[5m]))"#])) as? String
        #expect(formatted == #"sum by (job) (rate(x{a="2",b="1"}[5m]))"#)
        #expect(try await server.get("api/v1/format_query", query: ["query": "sum("]).status == 400)
        let root = try await server.get("")
        #expect(root.status == 200)
        #expect(root.text.contains("Lumen"))
    }
}
