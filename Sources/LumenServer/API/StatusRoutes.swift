import Foundation
import Hummingbird
import LumenQuery

/// `GET /` (what answers here, for a person or a client checking the connection) and Prometheus' status
/// endpoints, `/api/v1/status/buildinfo` and `/api/v1/status/runtimeinfo`, in Prometheus' shapes. Go's runtime
/// fields get their nearest equivalents: `goroutineCount` is the process's threads, `GOMAXPROCS` the cores it may
/// use, `GOGC` and `GODEBUG` are empty.
struct StatusRoutes: Sendable {
    /// How long the store keeps data, in nanoseconds.
    let retention: Int64
    let build: BuildInfo
    let startTime: Date

    init(retention: Int64, build: BuildInfo = .current, startTime: Date = Date()) {
        self.retention = retention
        self.build = build
        self.startTime = startTime
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: Self.homePage(build))))
        }
        router.get("/api/v1/status/buildinfo") { _, _ in
            PrometheusEnvelope(status: "success", data: .object([
                ("version", .string(build.version)), ("revision", .string(build.revision)),
                ("branch", .string(build.branch)), ("buildUser", .string(build.buildUser)),
                ("buildDate", .string(build.buildDate)), ("goVersion", .string(build.compilerVersion)),
            ])).response()
        }
        router.get("/api/v1/status/runtimeinfo") { _, _ in
            let started = Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(startTime)
            return PrometheusEnvelope(status: "success", data: .object([
                ("startTime", .string(started)), ("CWD", .string(FileManager.default.currentDirectoryPath)),
                ("reloadConfigSuccess", .bool(true)), ("lastConfigTime", .string(started)),
                ("corruptionCount", .integer(0)), ("goroutineCount", .integer(Int64(Self.threads()))),
                ("GOMAXPROCS", .integer(Int64(ProcessInfo.processInfo.activeProcessorCount))),
                ("GOGC", .string("")), ("GODEBUG", .string("")),
                ("storageRetention", .string(PromQLText.duration(retention))),
            ])).response()
        }
    }

    /// The process's threads, from `/proc/self/status`; 0 where there is none.
    private static func threads() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        let line = status.split(separator: "\n").first { $0.hasPrefix("Threads:") }
        return line.flatMap { Int($0.dropFirst("Threads:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
    }

    static func homePage(_ build: BuildInfo) -> String {
        """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>Lumen</title></head>
        <body>
        <h1>Lumen \(build.version)</h1>
        <p>Traces, logs and metrics in one store. This is its query API.</p>
        <ul>
        <li><a href="/api/v1/query?query=up">/api/v1/query</a>, /api/v1/query_range, /api/v1/series, \
        <a href="/api/v1/labels">/api/v1/labels</a>, <a href="/api/v1/metadata">/api/v1/metadata</a>: \
        the Prometheus API (PromQL)</li>
        <li><a href="/api/v1/status/buildinfo">/api/v1/status/buildinfo</a>, \
        <a href="/api/v1/status/runtimeinfo">/api/v1/status/runtimeinfo</a></li>
        <li>/lumen/v1/query: the native query language over traces, logs and metrics</li>
        <li><a href="/ready">/ready</a>, <a href="/healthy">/healthy</a>, <a href="/metrics">/metrics</a></li>
        </ul>
        </body></html>

        """
    }
}
