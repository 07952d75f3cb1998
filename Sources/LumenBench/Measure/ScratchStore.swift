import Foundation
import Logging
import LumenEngine
import LumenModel

/// A store in a fresh temporary directory, its blocks written straight from `contents` at a chosen zstd level
/// and then opened by `Storage` as `lumen serve` opens its directory: benchmarks query it as the server does.
/// The directory is removed when the store is released.
final class ScratchStore {
    let directory: String
    let storage: Storage
    /// The time `BlockWriter` took for all the blocks.
    let writeTime: Duration

    init(_ contents: [BlockContents], level: Int32) throws {
        directory = NSTemporaryDirectory() + "lumen-bench-\(UUID())"
        let blocks = directory + "/blocks"
        do {
            try FileManager.default.createDirectory(atPath: blocks, withIntermediateDirectories: true)
            let started = ContinuousClock.now
            for part in contents {
                _ = try BlockWriter(compressionLevel: level).write(part, into: blocks, walSegmentsBefore: 0)
            }
            writeTime = ContinuousClock.now - started
            storage = try Storage(
                directory: directory, logger: Logger(label: "lumen-bench") { _ in SwiftLogNoOpLogHandler() })
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    deinit {
        try? storage.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Bytes on disk of one part (`logs`, `spans` …) over every block.
    func bytes(of part: String) -> Int { storage.blocks.reduce(0) { $0 + $1.bytes(of: part) } }
}
