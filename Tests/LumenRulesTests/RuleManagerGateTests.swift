import Logging
import LumenEngine
import LumenModel
import LumenQuery
import Synchronization
import Testing

@testable import LumenRules

/// The cluster's gate on a rule manager (`RuleGroupLeases` in a cluster): a closed gate skips evaluations and
/// notifications, and a group that gets its gate back starts afresh, its alerts pending again from that time.
struct RuleManagerGateTests {
    static let minute: Int64 = 60_000_000_000

    /// Virtual time: a sleep moves the clock to its end at once.
    final class VirtualClock: RuleClock {
        let time = Mutex<Int64>(1_000 * RuleManagerGateTests.minute)
        func now() -> Int64 { time.withLock { $0 } }
        func sleep(until end: Int64) async throws {
            try Task.checkCancellation()
            time.withLock { $0 = max($0, end) }
            await Task.yield()
        }
    }

    @Test func aClosedGateSkipsEvaluationsAndReopeningStartsTheAlertsAfresh() async throws {
        let file = ScratchRuleFile.write("""
            groups:
              - name: g
                rules:
                  - alert: Always
                    expr: vector(1)
                    for: 1m
            """)
        let clock = VirtualClock()
        let head = Head()
        let gateCalls = Mutex<[Int64]>([])
        let notified = Mutex<[Int64]>([])
        // Open for the first three evaluations, closed for the next three, open again after.
        let manager = try RuleManager(
            patterns: [file], environment: .local(head: head, engine: QueryEngine(store: head)), clock: clock,
            logger: Logger(label: "test"),
            notify: { _ in notified.withLock { $0.append(clock.now()) } },
            gate: { _, _ in
                gateCalls.withLock { calls in
                    calls.append(clock.now())
                    return !(4...6).contains(calls.count)
                }
            })
        await manager.start()
        while gateCalls.withLock({ $0.count }) < 9 { await Task.yield() }
        await manager.stop()

        let times = gateCalls.withLock { $0 }
        let closed = Set(times[3..<6])
        // Firing from the second evaluation: sent at 2 and 3, never while closed, again from 8.
        let sends = notified.withLock { $0 }
        #expect(sends.allSatisfy { !closed.contains($0) })
        #expect(sends.contains(times[1]) && sends.contains(times[7]))
        #expect(!sends.contains(times[6]), "pending again at the first evaluation after the gate reopened")
        let alert = try #require(await manager.status().first?.rules.first?.alerts.first)
        #expect(alert.activeAt == times[6])
    }
}

/// A rule file in a fresh temporary directory.
enum ScratchRuleFile {
    static func write(_ text: String) -> String {
        let path = "/tmp/lumen-rules-\(UInt64.random(in: 0...UInt64.max)).yaml"
        try? text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
