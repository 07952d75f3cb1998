import Foundation
import Logging
import LumenModel

@testable import LumenEngine

/// A small shop's telemetry around a fixed time, and helpers to open stores in scratch directories.
enum StorageFixtures {
    static let base: Int64 = 1_763_000_000_000_000_000
    static let second: Int64 = 1_000_000_000

    static func resource(_ service: String) -> Resource {
        Resource(attributes: [Attribute("service.name", .string(service)), Attribute("host.name", .string("node-1"))])
    }

    static func traceID(_ number: Int) -> TraceID { TraceID(high: 0xabc, low: UInt64(number)) }

    /// `traces` traces of two spans, one a second from `base + offset` (frontend → cart), a log line under each cart
    /// span, and two counters, the cart one with an exemplar pointing at each trace.
    static func batch(traces: Int, offset: Int64 = 0, tenant: Tenant = .anonymous) -> Batch {
        var batch = Batch(tenant: tenant)
        for index in 0..<traces {
            // Trace numbers follow the time, so batches at different offsets hold different traces.
            let number = index + Int(offset / second)
            let start = base + offset + Int64(index) * second
            let root = Span(
                traceID: traceID(number), spanID: SpanID(UInt64(number) * 2 + 1), name: "GET /cart", kind: .server,
                startTime: start, endTime: start + 300_000_000,
                status: SpanStatus(code: number % 7 == 0 ? .error : .unset),
                attributes: [Attribute("http.route", .string("/cart"))], resource: resource("frontend"))
            let child = Span(
                traceID: traceID(number), spanID: SpanID(UInt64(number) * 2 + 2), parentSpanID: root.spanID,
                name: "GetCart", kind: .server, startTime: start + 10_000_000, endTime: start + 200_000_000,
                events: [SpanEvent(time: start + 20_000_000, name: "cache miss")], resource: resource("cart"))
            batch.spans += [root, child]
            batch.logs.append(LogRecord(
                time: start + 50_000_000, severity: Severity(number % 7 == 0 ? .error : .info),
                body: .string("cart \(number) loaded in \(number % 13) ms" + (number % 7 == 0 ? " timeout" : "")),
                attributes: [Attribute("items", .int(Int64(number % 5)))], traceID: traceID(number),
                spanID: child.spanID, resource: resource("cart")))
        }
        let samples = (0..<traces).map { Sample(timestamp: base + offset + Int64($0) * second, value: Double($0)) }
        batch.series = [
            TimeSeries(labels: Labels(["__name__": "requests_total", "service": "cart"]), samples: samples,
                exemplars: samples.enumerated().map { index, sample in
                    Exemplar(labels: Labels(["trace_id": traceID(index + Int(offset / second)).hex]),
                        timestamp: sample.timestamp, value: sample.value)
                }),
            TimeSeries(labels: Labels(["__name__": "requests_total", "service": "frontend"]),
                samples: samples.map { Sample(timestamp: $0.timestamp, value: $0.value * 2) }),
        ]
        return batch
    }

    static func scratch() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("lumen-store-\(UUID())").path
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    /// Every read of the tenant's data over all time, in one comparable value.
    static func everything(_ store: some TelemetryReader, tenant: Tenant = .anonymous) -> Snapshot {
        Snapshot(
            series: store.series(tenant, matching: [], from: .min, to: .max),
            exemplars: store.exemplars(tenant, matching: [], from: .min, to: .max),
            logs: store.logs(tenant, matching: [], from: .min, to: .max, limit: .max),
            spans: store.spans(tenant, from: .min, to: .max, limit: .max) { _ in true },
            trace: store.trace(tenant, id: traceID(7)).spans,
            traceLogs: store.trace(tenant, id: traceID(7)).logs,
            services: store.logLabelValues(tenant, name: "service"),
            metricNames: store.metricLabelValues(tenant, name: "__name__"))
    }

    struct Snapshot: Equatable {
        var series: [TimeSeries]
        var exemplars: [TimeSeries]
        var logs: [LogRecord]
        var spans: [Span]
        var trace: [Span]
        var traceLogs: [LogRecord]
        var services: [String]
        var metricNames: [String]
    }
}
