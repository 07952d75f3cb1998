import LumenModel

/// Where the rule manager reads the time and waits; injected so tests run evaluations without waiting.
public protocol RuleClock: Sendable {
    /// Nanoseconds since the epoch.
    func now() -> Int64
    /// Returns at `time` (nanoseconds since the epoch) or later; throws when the task is cancelled.
    func sleep(until time: Int64) async throws
}

/// The wall clock.
public struct SystemRuleClock: RuleClock {
    public init() {}

    public func now() -> Int64 { Timestamp.now() }

    public func sleep(until time: Int64) async throws {
        let wait = time &- now()
        if wait > 0 { try await Task.sleep(for: .nanoseconds(wait)) } else { try Task.checkCancellation() }
    }
}
