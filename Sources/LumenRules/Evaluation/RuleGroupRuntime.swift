import LumenModel
import LumenQuery

/// One group's rules and their state between evaluations (Prometheus' `rules.Group`): evaluated in order, each
/// rule seeing what the ones before it wrote at the same time; what a recording rule wrote last time and no
/// longer returns gets a stale marker.
///
/// An actor: the group's run loop evaluates it, the API reads its status; times come from the caller, so tests
/// drive it with their own clock.
public actor RuleGroupRuntime {
    public struct Settings: Sendable {
        /// The interval of groups that set none, nanoseconds (Prometheus' `evaluation_interval`, default 1m).
        public var defaultInterval: Int64 = 60 * 1_000_000_000
        /// The query offset of groups that set none (Prometheus' `rule_query_offset`, default 0).
        public var defaultQueryOffset: Int64 = 0
        /// How long after the last send a firing alert is sent again (Prometheus' `--rules.alert.resend-delay`).
        public var resendDelay: Int64 = 60 * 1_000_000_000
        /// How long a restart may last and still restore `for` state (`--rules.alert.for-outage-tolerance`).
        public var outageTolerance: Int64 = 3_600 * 1_000_000_000
        /// The least time a restored alert still waits before it fires (`--rules.alert.for-grace-period`).
        public var forGracePeriod: Int64 = 600 * 1_000_000_000

        public init() {}
    }

    public nonisolated let group: RuleGroup
    public nonisolated let interval: Int64
    public nonisolated let queryOffset: Int64
    let settings: Settings
    var alertStates: [Int: AlertingRuleState] = [:]
    var statuses: [RuleStatus]
    /// Per rule, the series its previous evaluation wrote.
    var seriesInPreviousEval: [Set<Labels>]
    /// Series of rules removed by a reload, to be marked stale at the next evaluation.
    var staleSeries: [Labels] = []
    var lastEvaluation: Int64 = 0
    var evaluationSeconds: Double = 0

    /// - Parameter restored: `false` at a server's start, when `for` state is still to be restored from
    ///   `ALERTS_FOR_STATE`: until `restoreForState`, no ALERTS series are written.
    public init(_ group: RuleGroup, settings: Settings = Settings(), restored: Bool = true) {
        self.group = group
        self.settings = settings
        interval = group.interval ?? settings.defaultInterval
        queryOffset = group.queryOffset ?? settings.defaultQueryOffset
        statuses = group.rules.map { rule in
            RuleStatus(rule: rule, labels: Self.combined(group.labels, rule.labels))
        }
        seriesInPreviousEval = Array(repeating: [], count: group.rules.count)
        for (index, rule) in group.rules.enumerated() where rule.kind == .alerting {
            alertStates[index] = AlertingRuleState(rule: rule, groupLabels: group.labels, restored: restored)
        }
    }

    /// The group's labels overridden by the rule's.
    static func combined(_ group: [RuleLabel], _ rule: [RuleLabel]) -> [RuleLabel] {
        group.filter { label in !rule.contains { $0.name == label.name } } + rule
    }

    /// Evaluates every rule at `time`, writes their output through `environment.append`, and returns the alerts
    /// due for the notifier.
    public func evaluate(at time: Int64, environment: RuleEnvironment) async -> [OutgoingAlert] {
        let clock = ContinuousClock()
        let groupStart = clock.now
        let queryTime = time &- queryOffset
        var outgoing: [OutgoingAlert] = []
        for (index, rule) in group.rules.enumerated() {
            let start = clock.now
            defer {
                statuses[index].lastEvaluation = time
                statuses[index].evaluationSeconds = Self.seconds(clock.now - start)
            }
            var series: [TimeSeries]
            do {
                let result = try await environment.query(rule.query, queryTime)
                switch rule.kind {
                case .recording:
                    series = try RecordingRuleEvaluation.samples(
                        result, rule: rule, groupLabels: group.labels, sampleTime: queryTime, limit: group.limit)
                case .alerting:
                    let extras = await environment.alertContext?(rule, result, queryTime) ?? [:]
                    series = try alertStates[index]!.evaluate(
                        result, at: time, sampleTime: queryTime, limit: group.limit,
                        externalLabels: environment.externalLabels, externalURL: environment.externalURL,
                        extras: extras)
                    outgoing += alertStates[index]!.alertsToSend(
                        at: time, resendDelay: settings.resendDelay, interval: interval,
                        generatorURL: Self.generatorURL(environment.externalURL, rule.expr))
                }
            } catch {
                statuses[index].health = .err
                statuses[index].lastError = Self.message(error)
                continue
            }
            let returned = Set(series.map(\.labels))
            for labels in seriesInPreviousEval[index] where !returned.contains(labels) {
                series.append(Self.staleMarker(labels, at: queryTime))
            }
            seriesInPreviousEval[index] = returned
            do {
                if !series.isEmpty { try await environment.append(series) }
                statuses[index].health = .ok
                statuses[index].lastError = nil
            } catch {
                statuses[index].health = .err
                statuses[index].lastError = "writing the rule's samples: \(Self.message(error))"
            }
        }
        if !staleSeries.isEmpty {
            try? await environment.append(staleSeries.map { Self.staleMarker($0, at: queryTime) })
            staleSeries = []
        }
        lastEvaluation = time
        evaluationSeconds = Self.seconds(clock.now - groupStart)
        return outgoing
    }

    /// Writes stale markers for everything the group wrote last: what Prometheus does when a reload removes it.
    public func markStale(at time: Int64, environment: RuleEnvironment) async {
        let labels = seriesInPreviousEval.flatMap { $0 } + staleSeries
        guard !labels.isEmpty else { return }
        try? await environment.append(labels.map { Self.staleMarker($0, at: time &- queryOffset) })
        seriesInPreviousEval = Array(repeating: [], count: group.rules.count)
        staleSeries = []
    }

    static func staleMarker(_ labels: Labels, at time: Int64) -> TimeSeries {
        TimeSeries(labels: labels, samples: [Sample(timestamp: time, value: Double(bitPattern: Sample.staleMarkerBits))])
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func message(_ error: any Error) -> String {
        if let error = error as? QueryError { return error.message }
        return "\(error)"
    }

    /// Prometheus' link to the expression: `<external URL>/graph?g0.expr=…&g0.tab=1`, escaped as Go's
    /// `url.QueryEscape` does (a space is `+`).
    static func generatorURL(_ externalURL: String, _ expr: String) -> String {
        var escaped = ""
        for byte in expr.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                escaped.append(Character(Unicode.Scalar(byte)))
            case UInt8(ascii: " "): escaped.append("+")
            default: escaped += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return externalURL + "/graph?g0.expr=" + escaped + "&g0.tab=1"
    }

    /// The group's state for the API.
    public func status() -> RuleGroupStatus {
        var rules = statuses
        for (index, state) in alertStates {
            rules[index].alerts = state.active.values.sorted { $0.labels < $1.labels }
            rules[index].state = state.state
        }
        return RuleGroupStatus(
            group: group, interval: interval, rules: rules, lastEvaluation: lastEvaluation,
            evaluationSeconds: evaluationSeconds)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
