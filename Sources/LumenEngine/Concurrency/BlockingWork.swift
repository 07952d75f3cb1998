import Foundation

/// Runs blocking work — writing a block, compressing pages, fsync — on a thread of its own, so the few threads
/// of Swift's cooperative pool (two on a two-core machine) keep serving requests meanwhile.
enum BlockingWork {
    static func run<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.name = name
            thread.start()
        }
    }
}
