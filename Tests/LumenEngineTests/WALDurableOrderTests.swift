import Foundation
import Synchronization
import Testing

@testable import LumenEngine

/// What ran after each fsync, shared by the appending tasks.
private final class AppliedOrder: Sendable {
    let numbers = Mutex<[UInt8]>([])
}

struct WALDurableOrderTests {
    @Test func whenDurableRunsForEveryRecordInTheOrderTheLogHoldsThem() async throws {
        let directory = try WALTemporaryDirectory()
        defer { directory.remove() }
        let (wal, _, _) = try openAndReplay(directory.path)
        let applied = AppliedOrder()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for number in 0..<200 {
                group.addTask {
                    try await wal.append(walPayload(number)) {
                        applied.numbers.withLock { $0.append(UInt8(truncatingIfNeeded: number)) }
                    }
                }
            }
            try await group.waitForAll()
        }
        try wal.close()

        let (reopened, payloads, _) = try openAndReplay(directory.path)
        try reopened.close()
        #expect(payloads.count == 200)
        // Concurrent appends land in any order, but what ran after each fsync follows the log exactly.
        #expect(applied.numbers.withLock { $0 } == payloads.map { $0[0] })
    }
}
