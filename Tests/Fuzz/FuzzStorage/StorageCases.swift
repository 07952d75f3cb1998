import Foundation
import FuzzSupport
import Logging
import LumenModel

@testable import LumenEngine

/// The storage engine's readers fed damaged bytes: a WAL record's payload, a metric chunk, a whole WAL segment
/// file replayed, and each file of a block (written once from `StorageSeeds.batch`) replaced by the input, then
/// opened and read through every path a query takes. Damage must be an error, never a crash.
enum StorageCases {
    static let all: [FuzzCase] =
        [
            FuzzCase("batch-record", seeds: { [BatchRecord.encode(StorageSeeds.batch)] }) {
                _ = try? BatchRecord.decode($0)
            },
            FuzzCase("metric-chunk", seeds: { StorageSeeds.chunks }) {
                _ = try? MetricChunk(bytes: $0).samples()
            },
            FuzzCase("wal-segment", seeds: { [StorageSeeds.walSegment] }) { replay(segment: $0) },
        ] + StorageSeeds.blockFiles.map { file in
            FuzzCase("block-" + file.replacingOccurrences(of: "/", with: "-"), seeds: { [StorageSeeds.template[file]!] }) {
                read(replacing: file, with: $0)
            }
        }

    /// A scratch directory of this process, removed at exit.
    static let scratch: String = {
        let path = NSTemporaryDirectory() + "lumen-fuzz-storage-\(getpid())"
        try! FileManager.default.createDirectory(atPath: path + "/wal", withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: StorageCases.scratch) }
        return path
    }()

    static let quiet: Logger = {
        var logger = Logger(label: "fuzz")
        logger.logLevel = .critical
        return logger
    }()

    static func replay(segment: [UInt8]) {
        let directory = scratch + "/wal"
        let path = directory + "/" + WALSegment(index: 1).fileName
        FileManager.default.createFile(atPath: path, contents: Data(segment))
        defer { for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        } }
        guard let wal = try? WriteAheadLog(directory: directory, segmentSize: 1 << 20, logger: quiet) else { return }
        _ = try? wal.replay { payload in _ = try? BatchRecord.decode(payload) }
        try? wal.close()
    }

    /// The block written once, then one of its files replaced by `bytes` for each read, and restored after.
    static let block: String = {
        let blocks = scratch + "/blocks"
        try! FileManager.default.createDirectory(atPath: blocks, withIntermediateDirectories: true)
        let meta = try! StorageSeeds.writeBlock(into: blocks)
        return blocks + "/" + meta.id
    }()

    static func read(replacing file: String, with bytes: [UInt8]) {
        let path = block + "/" + file
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { FileManager.default.createFile(atPath: path, contents: Data(StorageSeeds.template[file]!)) }
        guard let opened = try? Block(directory: block) else { return }
        let everything = ReadRequest(tenant: opened.tenant)
        _ = try? opened.contents()
        _ = try? opened.spans(of: StorageSeeds.traceID(3))
        _ = try? opened.spansStarting(from: .min, to: .max, limit: 5)
        _ = opened.logs?.records(of: StorageSeeds.traceID(7), everything) { _ in }
        _ = opened.logs?.lines(ReadRequest(tenant: opened.tenant, lineContains: ["timeout"]), sizes: true) { _ in }
        for page in opened.logs?.pages(everything) ?? [] { _ = try? page.decode() }
        for page in opened.spans?.pages(everything) ?? [] { _ = try? page.decode() }
        _ = try? opened.metrics?.chunks(
            matching: [try! LabelMatcher("service", .matchesRegex, "c.*")], from: .min, to: .max)
        _ = opened.metrics?.labelValues("service")
        _ = try? opened.exemplars?.exemplars(everything) { _ in }
    }
}
