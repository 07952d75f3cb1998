import Foundation
import Logging
import LumenModel
import MetricsTestKit
import Testing

@testable import LumenRules

/// The notifier's parts without Alertmanager: the bounded queue, the JSON Alertmanager reads, when alerts are
/// due and until when they are valid, and a delivery to a port nobody listens on. The real Alertmanager is
/// driven by Tests/Interop/test_alertmanager.py.
struct AlertmanagerNotifierTests {
    private func alert(_ name: String) -> OutgoingAlert {
        OutgoingAlert(labels: Labels([Label("alertname", name)]), annotations: [], startsAt: 0, endsAt: 0, generatorURL: "")
    }

    @Test func aFullQueueDropsTheOldestAlertsAndSaysHowMany() {
        let queue = AlertQueue(capacity: 3)
        #expect(queue.append([alert("a"), alert("b")]) == (0, 2))
        #expect(queue.append([alert("c"), alert("d")]) == (1, 3))
        #expect(queue.takeBatch(2).map { $0.labels["alertname"] } == ["b", "c"])
        // More at once than the queue holds: only the newest stay.
        #expect(queue.append((0..<5).map { alert("\($0)") }) == (3, 3))
        #expect(queue.takeBatch(10).map { $0.labels["alertname"] } == ["2", "3", "4"])
        #expect(queue.count == 0)
    }

    @Test func anUndeliveredBatchGoesBackAheadOfNewerAlerts() {
        let queue = AlertQueue(capacity: 3)
        _ = queue.append([alert("a"), alert("b")])
        let batch = queue.takeBatch(2)
        _ = queue.append([alert("c"), alert("d")])
        // Room for one: the batch's oldest alert is dropped.
        #expect(queue.putBack(batch) == 1)
        #expect(queue.takeBatch(10).map { $0.labels["alertname"] } == ["b", "c", "d"])
    }

    @Test func theBodyIsAlertmanagersPostableAlertArray() throws {
        let alert = OutgoingAlert(
            labels: Labels([Label("alertname", "HighLatency"), Label("service", "cart")]),
            annotations: [RuleLabel("summary", "p99 1.2s")],
            startsAt: 1_765_000_000_123_456_789, endsAt: 1_765_000_240_000_000_000,
            generatorURL: "http://lumen:9090/graph?g0.expr=a+%3E+1&g0.tab=1")
        let body = try OutgoingAlert.body([alert])
        let decoded = try #require(try JSONSerialization.jsonObject(with: body) as? [[String: Any]])
        #expect(decoded.count == 1)
        #expect(decoded[0]["labels"] as? [String: String] == ["alertname": "HighLatency", "service": "cart"])
        #expect(decoded[0]["annotations"] as? [String: String] == ["summary": "p99 1.2s"])
        #expect(decoded[0]["startsAt"] as? String == "2025-12-06T05:46:40.123Z")
        #expect(decoded[0]["endsAt"] as? String == "2025-12-06T05:50:40.000Z")
        #expect(decoded[0]["generatorURL"] as? String == "http://lumen:9090/graph?g0.expr=a+%3E+1&g0.tab=1")
        #expect(OutgoingAlert.rfc3339(-1) == "1969-12-31T23:59:59.999Z")
    }

    @Test func onlyHTTPURLsWithAHostAreAlertmanagers() throws {
        #expect(try AlertmanagerNotifier.endpoint("http://localhost:9093") == "http://localhost:9093/api/v2/alerts")
        #expect(try AlertmanagerNotifier.endpoint("https://am.example/prefix/") == "https://am.example/prefix/api/v2/alerts")
        for bad in ["localhost:9093", "ftp://am", "http://", "http://am?x=1"] {
            #expect(throws: AlertmanagerURLError.self) { try AlertmanagerNotifier.endpoint(bad) }
        }
    }

    @Test func aBatchNobodyReceivesCountsAsErrorsAndExternalLabelsAreAdded() async throws {
        // A port that was just free: the connection is refused.
        let metrics = TestMetrics()
        var options = AlertmanagerNotifier.Options(alertmanagers: ["http://127.0.0.1:1"])
        options.externalLabels = ["cluster": "eu", "alertname": "ignored"]
        let notifier = try AlertmanagerNotifier(options: options, metrics: metrics, logger: Logger(label: "test"))
        notifier.send([alert("a")])
        #expect(notifier.queueLength == 1)
        let batch = try #require(Optional(notifierBatch(notifier)))
        #expect(batch.first?.labels == Labels([Label("alertname", "a"), Label("cluster", "eu")]))
        #expect(await notifier.deliver(batch) == false)
        #expect(metrics.counterTotal(label: "lumen_notifications_errors_total",
                                     dimensions: [("alertmanager", "http://127.0.0.1:1")]) == 1)
        try await notifier.shutdownClient()
    }

    private func notifierBatch(_ notifier: AlertmanagerNotifier) -> [OutgoingAlert] {
        notifier.takeQueued(64)
    }
}
