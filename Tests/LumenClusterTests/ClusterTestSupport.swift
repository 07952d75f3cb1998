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

    /// What a store holds, raw, record by record: every batch in its write-ahead log (`<store>/wal`,
    /// docs/format/wal.md) decoded, nothing de-duplicated — the head drops a repeat, its log does not. Read after the
    /// store is closed, before anything cut a block (checked: `<store>/blocks` holds no block).
    struct RawItems: Equatable {
        /// Each span as `<trace high>.<trace low>.<span ID>`, as often as stored.
        var spans: [String] = []
        var logs: [String] = []
        var samples: [String] = []
    }

    static func rawItems(ofStore directory: String) throws -> RawItems {
        let blocks = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/blocks")) ?? []
        precondition(blocks.allSatisfy { $0 == "checkpoint" || $0.hasPrefix(".") }, "a block was cut: \(blocks)")
        var items = RawItems()
        let wal = try WriteAheadLog(directory: directory + "/wal", logger: quietLogger)
        defer { try? wal.close() }
        _ = try wal.replay { payload in
            let batch = try BatchRecord.decode(payload)
            items.spans += batch.spans.map { "\($0.traceID.high).\($0.traceID.low).\($0.spanID)" }
            items.logs += batch.logs.map { "\($0.time) \($0.body)" }
            for series in batch.series { items.samples += series.samples.map { "\(series.labels) \($0.timestamp)" } }
        }
        return items
    }
}

