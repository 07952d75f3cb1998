import Foundation
import Logging
@testable import LumenEngine

/// A fresh directory under the system temp dir, removed by `remove()`.
struct WALTemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "lumen-wal-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Segment file names present, sorted.
    func segmentNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".wal") }.sorted()
    }

    func size(of name: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path + "/" + name)
        return (attributes[.size] as? NSNumber)?.intValue ?? -1
    }

    func bytes(of name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path + "/" + name)))
    }

    func write(_ bytes: [UInt8], to name: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path + "/" + name))
    }
}

/// Keeps every log message so tests can check what the WAL warned about.
final class WALRecordingLogHandler: LogHandler, @unchecked Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    // `lock` guards `entries`; the box is shared by every copy of the handler.
    final class Box: @unchecked Sendable {
        let lock = NSLock()
        var entries: [Entry] = []
    }

    let box: Box
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    init(box: Box) { self.box = box }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let entry = Entry(level: event.level, message: event.message.description,
            metadata: (event.metadata ?? [:]).mapValues { "\($0)" })
        box.lock.lock()
        box.entries.append(entry)
        box.lock.unlock()
    }

    static func logger() -> (Logger, Box) {
        let box = Box()
        return (Logger(label: "wal-test") { _ in WALRecordingLogHandler(box: box) }, box)
    }
}

extension WALRecordingLogHandler.Box {
    var warnings: [WALRecordingLogHandler.Entry] {
        lock.lock()
        defer { lock.unlock() }
        return entries.filter { $0.level == .warning }
    }
}

/// Opens a log in `directory`, replays it and returns the payloads with the report.
func openAndReplay(
    _ directory: String, segmentSize: Int = WriteAheadLog.defaultSegmentSize, logger: Logger = Logger(label: "wal-test")
) throws -> (WriteAheadLog, [[UInt8]], WALReplayReport) {
    let wal = try WriteAheadLog(directory: directory, segmentSize: segmentSize, logger: logger)
    var payloads: [[UInt8]] = []
    let report = try wal.replay { payloads.append($0) }
    return (wal, payloads, report)
}

/// A recognisable payload: its number in the first byte, then `size - 1` bytes derived from it.
func walPayload(_ number: Int, size: Int = 40) -> [UInt8] {
    (0..<size).map { UInt8(truncatingIfNeeded: $0 == 0 ? number : number &* 31 &+ $0) }
}
