import Foundation

/// What a storage node has applied of one partition: the highest stream sequence, and the batch IDs of the most
/// recent messages, so a message seen twice (a publisher's retry after a timeout, a redelivery after a lost ack) is
/// applied once. Persisted in `<directory>/partition-<p>.applied`, one line per applied message,
/// `<stream sequence> <batch ID>`, appended and fsynced after the data is in the WAL and before the ack.
///
/// A crash between the WAL's fsync and this file's means the messages of that one fetch are applied again after a
/// restart. The log has replayed them into the head by then, and the head drops every repeated span, log record
/// and sample, so they are stored once (docs/cluster.md, "Guarantees, as far as built").
///
/// Not thread-safe: one applier uses it at a time (under its own lock).
public final class AppliedBatches: @unchecked Sendable {
    public let partition: Int
    public let path: String
    /// How many recent batch IDs are remembered: a retry arrives within seconds, far fewer messages later.
    public let capacity: Int
    public private(set) var highestSequence: UInt64 = 0
    private var recent: Set<String> = []
    private var order: [String] = []
    private var orderStart = 0
    private let file: FileHandle

    /// - Parameter discardingAbove: forgets the messages applied above this sequence (their data was discarded
    ///   with the store that held it, and is applied again), keeping the batch IDs below it.
    public init(directory: String, partition: Int, capacity: Int = 100_000, discardingAbove: UInt64? = nil) throws {
        self.partition = partition
        self.capacity = capacity
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/partition-\(partition).applied"
        var lines: [(UInt64, String)] = []
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: " ", maxSplits: 1)
                // A torn last line (a crash mid-append) is skipped: its message is applied again.
                guard fields.count == 2, let sequence = UInt64(fields[0]) else { continue }
                lines.append((sequence, String(fields[1])))
            }
        }
        let kept = discardingAbove.map { limit in lines.filter { $0.0 <= limit } } ?? lines
        if lines.count > 2 * capacity || kept.count != lines.count {  // rewrite, keeping what is remembered
            lines = Array(kept.suffix(capacity))
            let text = lines.map { "\($0.0) \($0.1)\n" }.joined()
            try Data(text.utf8).write(to: URL(fileURLWithPath: path + ".tmp"), options: .atomic)
            _ = rename(path + ".tmp", path)
        }
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let file = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        self.file = file
        try file.seekToEnd()
        for (sequence, id) in lines { remember(sequence: sequence, id: id) }
    }

    /// Whether this message was applied: at or below the highest sequence applied, or its batch ID was seen.
    public func contains(sequence: UInt64, id: String) -> Bool {
        sequence <= highestSequence || recent.contains(id)
    }

    /// Records messages as applied, durably (fsync), in stream order.
    public func record(_ messages: [(sequence: UInt64, id: String)]) throws {
        guard !messages.isEmpty else { return }
        try file.write(contentsOf: Data(messages.map { "\($0.sequence) \($0.id)\n" }.joined().utf8))
        try file.synchronize()
        for message in messages { remember(sequence: message.sequence, id: message.id) }
    }

    private func remember(sequence: UInt64, id: String) {
        highestSequence = max(highestSequence, sequence)
        if recent.insert(id).inserted { order.append(id) }
        while order.count - orderStart > capacity {
            recent.remove(order[orderStart])
            orderStart += 1
        }
        if orderStart > capacity {  // drop the forgotten prefix now and then, not on every insert
            order.removeFirst(orderStart)
            orderStart = 0
        }
    }

    public func close() throws {
        try file.close()
    }
}
