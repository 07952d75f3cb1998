import Foundation
import Logging
import LumenEngine
import Testing

/// One process per data directory: a second store on a directory in use is refused at once, naming the
/// holder; closing the first gives the directory back.
struct DataDirectoryLockTests {
    @Test func aSecondStoreOnTheSameDirectoryIsRefusedNamingTheHolder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lumen-lock-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try Storage(directory: directory, logger: Logger(label: "test"))
        do {
            _ = try Storage(directory: directory, logger: Logger(label: "test"))
            Issue.record("a second store opened a directory in use")
        } catch let error as DataDirectoryInUse {
            #expect(error.pid == getpid())
            #expect(error.description.contains(directory))
            #expect(error.description.contains("process \(getpid())"))
        }
        try first.close()
        let reopened = try Storage(directory: directory, logger: Logger(label: "test"))
        try reopened.close()
    }
}
