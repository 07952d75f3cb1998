import Logging
import LumenModel

/// Runs the rule groups of the `--rules` files (Prometheus' rules manager): a task per group evaluates it at its
/// interval, hands due alerts to the notifier, and after a start restores `for` state on its second
/// evaluation. `reload` re-reads the files: a file that does not load leaves every rule as it was; a group that
/// did not change keeps running untouched; a changed one takes over its predecessor's alerts.
///
/// In a cluster a `gate` says whether this node evaluates a group now (`RuleGroupLeases`: one node per group). A
/// group whose gate is closed skips its evaluations; when it opens again the group forgets its alerts and restores
/// `for` state from `ALERTS_FOR_STATE` after its second evaluation, as after a restart.
public actor RuleManager {
    struct Key: Hashable {
        var file: String
        var name: String
    }

    struct Entry {
        var runtime: RuleGroupRuntime
        var task: Task<Void, Never>
    }

    public nonisolated let patterns: [String]
    let settings: RuleGroupRuntime.Settings
    let environment: RuleEnvironment
    private(set) var notify: AlertNotifier
    let clock: any RuleClock
    let logger: Logger
    let gate: RuleEvaluationGate?
    private var order: [Key] = []
    private var entries: [Key: Entry] = [:]
    private var started = false

    /// Loads the files; throws the first file's error, so a server with a bad rule file does not start.
    public init(
        patterns: [String], settings: RuleGroupRuntime.Settings = .init(), environment: RuleEnvironment,
        clock: any RuleClock = SystemRuleClock(), logger: Logger, notify: @escaping AlertNotifier = { _ in },
        gate: RuleEvaluationGate? = nil
    ) throws(RuleFileError) {
        self.patterns = patterns
        self.settings = settings
        self.environment = environment
        self.clock = clock
        self.logger = logger
        self.notify = notify
        self.gate = gate
        for group in try RuleFiles.load(patterns) {
            let key = Key(file: group.file, name: group.name)
            order.append(key)
            // Not started yet: the task is made by `start`.
            entries[key] = Entry(
                runtime: RuleGroupRuntime(group, settings: settings, restored: false), task: Task {})
        }
    }

    /// Where alerts go from now on (the Alertmanager notifier, made after the rules are loaded).
    public func setNotifier(_ notify: @escaping AlertNotifier) {
        self.notify = notify
    }

    /// Starts every group's evaluation loop, restoring `for` state after the second evaluation.
    public func start() {
        guard !started else { return }
        started = true
        for key in order {
            entries[key]!.task = run(entries[key]!.runtime, restore: true)
        }
        logger.info("rules loaded", metadata: ["groups": "\(order.count)", "files": "\(patterns)"])
    }

    /// Re-reads the files. On an error the running rules stay as they are and the error is thrown.
    public func reload() async throws(RuleFileError) {
        let groups: [RuleGroup]
        do {
            groups = try RuleFiles.load(patterns)
        } catch {
            logger.error("rules not reloaded; the old rules stay", metadata: ["error": "\(error)"])
            throw error
        }
        var nextOrder: [Key] = []
        var next: [Key: Entry] = [:]
        for group in groups {
            let key = Key(file: group.file, name: group.name)
            nextOrder.append(key)
            if let old = entries[key], old.runtime.group == group {
                next[key] = old
                continue
            }
            let runtime = RuleGroupRuntime(group, settings: settings, restored: true)
            if let old = entries[key] {
                old.task.cancel()
                await old.task.value
                await runtime.copyState(from: old.runtime)
            }
            next[key] = Entry(runtime: runtime, task: started ? run(runtime, restore: false) : Task {})
        }
        for (key, old) in entries where next[key] == nil {
            old.task.cancel()
            await old.task.value
            await old.runtime.markStale(at: clock.now(), environment: environment)
        }
        order = nextOrder
        entries = next
        logger.info("rules reloaded", metadata: ["groups": "\(order.count)"])
    }

    /// Stops every group's loop, waiting for evaluations in progress.
    public func stop() async {
        for entry in entries.values {
            entry.task.cancel()
            await entry.task.value
        }
    }

    /// The groups in file order, as the API shows them.
    public func status() async -> [RuleGroupStatus] {
        var result: [RuleGroupStatus] = []
        for key in order { result.append(await entries[key]!.runtime.status()) }
        return result
    }

    private func run(_ runtime: RuleGroupRuntime, restore: Bool) -> Task<Void, Never> {
        let (clock, environment, notify, logger, gate) = (self.clock, self.environment, self.notify, self.logger, self.gate)
        // Detached: a group started by `POST /-/reload` must not inherit that request's task-locals (its client
        // connection, whose closing would cancel every later evaluation).
        return Task.detached {
            let interval = runtime.interval
            let offset = RuleSchedule.offset(file: runtime.group.file, name: runtime.group.name, interval: interval)
            var time = RuleSchedule.evaluationTime(atOrBefore: clock.now(), offset: offset, interval: interval)
                + interval
            var evaluations = 0
            var restore = restore
            do {
                try await clock.sleep(until: time)
                while !Task.isCancelled {
                    if let gate, !(await gate(runtime.group.file, runtime.group.name)) {
                        // Another node evaluates the group; if this one gets it back, it starts afresh.
                        if evaluations > 0 { await runtime.forgetAlerts() }
                        evaluations = 0
                        restore = true
                    } else {
                        let alerts = await runtime.evaluate(at: time, environment: environment)
                        if !alerts.isEmpty { notify(alerts) }
                        evaluations += 1
                        // As Prometheus: restore after the second evaluation, when recording rules the alerts
                        // may read have run once.
                        if restore, evaluations == 2 {
                            await runtime.restoreForState(at: clock.now(), environment: environment)
                        }
                    }
                    try await clock.sleep(until: time + interval)
                    let missed = (clock.now() - time) / interval - 1
                    if missed > 0 {
                        logger.warning("rule group missed evaluations", metadata: [
                            "group": "\(runtime.group.name)", "missed": "\(missed)",
                        ])
                    }
                    time += max(1, missed + 1) * interval
                }
            } catch {
                // Cancelled: the group was stopped or replaced.
            }
        }
    }
}
