import Foundation
import Logging
import LumenCluster
import LumenEngine
import LumenModel

/// Connections to test servers, made on a thread of their own (`NATSConnection.init` blocks).
enum ClusterTestSupport {
    static func jetStream(_ urls: [String], name: String = "test") throws -> JetStream {
        try JetStream(connection: NATSConnection(urls: urls, name: name), apiTimeout: .seconds(5))
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "cluster-test")
        logger.logLevel = .critical
        return logger
    }

    static func scratch(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("lumen-\(name)-\(UUID())").path
    }

    /// Polls `condition` every 20 ms until it holds or `timeout` passes; whether it held. Sleeps without holding
    /// a thread: the appliers' appends need Swift's pool meanwhile.
    static func eventually(
        within timeout: Duration = .seconds(10), _ condition: () throws -> Bool
    ) async rethrows -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if try condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return try condition()
    }

    /// Runs blocking work on a thread of its own and awaits it, so no thread of Swift's cooperative pool waits in
    /// it. For every stop, join or wait whose end depends on work that runs on that pool — an applier's appends and
    /// flushes (`waitForTask`), so a node's or an applier's stop, a flush asked of them, a read barrier waiting for
    /// them: this machine's pool has two threads, and two tests blocking both at once deadlock the whole run.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    /// Items as stored, as often as stored: spans as `<trace high>.<trace low>.<span ID>`, log records by time and
    /// body, samples by series and time.
    struct RawItems: Equatable {
        var spans: [String] = []
        var logs: [String] = []
        var samples: [String] = []

        mutating func add(spans: [Span], logs: [LogRecord], series: [TimeSeries]) {
            self.spans += spans.map { "\($0.traceID.high).\($0.traceID.low).\($0.spanID)" }
            self.logs += logs.map { "\($0.time) \($0.body)" }
            for one in series { samples += one.samples.map { "\(one.labels) \($0.timestamp)" } }
        }

        static func + (lhs: RawItems, rhs: RawItems) -> RawItems {
            RawItems(spans: lhs.spans + rhs.spans, logs: lhs.logs + rhs.logs, samples: lhs.samples + rhs.samples)
        }
    }

    struct UnexpectedBlock: Error { let names: [String] }

    /// What a store holds, raw: every batch in its write-ahead log (`<store>/wal`, docs/format/wal.md) decoded,
    /// nothing de-duplicated — the head drops a repeat, its log does not. Read after the store is closed, before
    /// anything cut a block (`<store>/blocks` holds no block, else `UnexpectedBlock`).
    static func rawItems(ofStore directory: String) throws -> RawItems {
        let blocks = ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/blocks")) ?? [])
            .filter { $0 != "checkpoint" && !$0.hasPrefix(".") }
        guard blocks.isEmpty else { throw UnexpectedBlock(names: blocks) }
        var items = RawItems()
        let wal = try WriteAheadLog(directory: directory + "/wal", logger: quietLogger)
        defer { try? wal.close() }
        _ = try wal.replay { payload in
            let batch = try BatchRecord.decode(payload)
            items.add(spans: batch.spans, logs: batch.logs, series: batch.series)
        }
        return items
    }
}

