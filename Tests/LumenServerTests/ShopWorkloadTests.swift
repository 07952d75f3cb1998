import Foundation
import Hummingbird
import LumenModel
import LumenWire
import Synchronization
import Testing

@testable import LumenLoad

/// The demo workload (LumenLoad) is pure and seeded; these tests pin its determinism, the shape of one
/// request and the rates over many. They live here because this is the test target that links LumenLoad.
struct ShopWorkloadTests {
    static let start: Int64 = 1_700_000_000_000_000_000

    static func requests(seed: UInt64, count: Int) -> [ShopRequest] {
        var workload = ShopWorkload(seed: seed)
        return workload.next(count, from: start, over: Int64(count) * 10_000_000)
    }

    @Test func theSameSeedGivesTheSameRequestsAndBodies() {
        let first = Self.requests(seed: 42, count: 50)
        let second = Self.requests(seed: 42, count: 50)
        #expect(first == second)
        #expect(OTLPPost.traces(first).body == OTLPPost.traces(second).body)
        #expect(OTLPPost.logs(first).body == OTLPPost.logs(second).body)
    }

    @Test func aDifferentSeedGivesDifferentTraces() {
        let first = Self.requests(seed: 42, count: 20).map(\.traceID)
        let other = Self.requests(seed: 43, count: 20).map(\.traceID)
        #expect(Set(first).isDisjoint(with: other))
    }

    @Test func oneRequestCrossesFiveServicesInOneConsistentTrace() throws {
        let request = try #require(Self.requests(seed: 7, count: 1).first)
        let spans = request.spans
        #expect(Set(spans.map(\.serviceName)) == ["frontend", "checkout", "cart", "payment", "database"])
        #expect(spans.allSatisfy { $0.traceID == request.traceID })
        #expect(Set(spans.map(\.spanID)).count == spans.count)

        let byID = Dictionary(uniqueKeysWithValues: spans.map { ($0.spanID, $0) })
        let roots = spans.filter(\.isRoot)
        #expect(roots.map(\.name) == ["GET /checkout"])
        #expect(roots.first?.startTime == Self.start)
        for span in spans where !span.isRoot {
            let parent = try #require(byID[span.parentSpanID!], "\(span.name) has no parent in the trace")
            #expect(parent.startTime <= span.startTime && span.endTime <= parent.endTime, "\(span.name)")
            // Calls between services pair a client span with a server span of the callee.
            if span.kind == .server { #expect(parent.kind == .client, "\(span.name)") }
        }
        #expect(spans.contains { $0.name == "GetCart" && $0.serviceName == "cart" && $0.kind == .server })
        #expect(spans.contains { $0.name == "Charge" && $0.serviceName == "payment" && $0.kind == .server })
        let query = try #require(spans.first { $0.serviceName == "payment" && $0.kind == .client })
        #expect(query.attributes["db.system"] == .string("postgresql"))
        #expect(query.attributes["db.statement"]?.text.hasPrefix("SELECT") == true)
        let frontend = try #require(roots.first)
        #expect(frontend.attributes["http.route"] == .string("/checkout"))
        #expect(frontend.attributes["http.request.method"] == .string("GET"))
        for span in spans {
            #expect(span.resource.attributes["service.instance.id"] != nil)
            #expect(span.resource.attributes["host.name"] != nil)
        }
    }

    @Test func logsCarryTheTraceAndASpanOfTheirOwnService() throws {
        for request in Self.requests(seed: 3, count: 100) {
            let byID = Dictionary(uniqueKeysWithValues: request.spans.map { ($0.spanID, $0) })
            #expect(!request.logs.isEmpty)
            for log in request.logs {
                #expect(log.traceID == request.traceID)
                let spanID = try #require(log.spanID)
                let span = try #require(byID[spanID])
                #expect(span.serviceName == log.serviceName)
                #expect(span.startTime <= log.time && log.time <= span.endTime)
            }
        }
    }

    @Test func errorAndSlowRatesStayNearTheirTargetsOverAThousandRequests() {
        let requests = Self.requests(seed: 42, count: 1_000)
        let failed = requests.filter(\.failed)
        let slow = requests.filter(\.slow)
        #expect((8...35).contains(failed.count), "\(failed.count) failures")
        #expect((25...80).contains(slow.count), "\(slow.count) slow")
        for request in failed {
            let charge = request.spans.first { $0.name == "Charge" && $0.kind == .server }
            #expect(charge?.status.code == .error)
            #expect(charge?.events.map(\.name) == ["exception"])
            let root = request.spans.first(where: \.isRoot)
            #expect(root?.status.code == .error)
            #expect(root?.attributes["http.response.status_code"] == .int(502))
            let paymentError = request.failure == .declined ? "payment declined for order" : "payment failed for order"
            #expect(request.logs.contains { $0.severity.level == .error && $0.line.hasPrefix(paymentError) })
        }
        for request in slow {
            #expect(request.logs.contains { $0.severity.level == .warn })
        }
        let fine = requests.filter { !$0.failed && !$0.slow }
        #expect(fine.allSatisfy { $0.spans.allSatisfy { $0.status.code != .error } })
        #expect(fine.allSatisfy { $0.logs.allSatisfy { $0.severity.level == .info } })
    }

    /// The tour's `{service="frontend"} >> {service="database" && status=error}` needs a database that fails.
    @Test func aShareOfPaymentsFailInTheDatabaseAsADeadlockSeenByTracesLogsAndMetrics() throws {
        let requests = Self.requests(seed: 42, count: 1_000)
        let deadlocked = requests.filter { $0.failure == .databaseDeadlock }
        #expect((3...20).contains(deadlocked.count), "\(deadlocked.count) deadlocks")
        // `lumen load --rate 60 --duration 5s` (the interop test) sends the first 300 of seed 42, the README's
        // tour (`--rate 20 --duration 30s`) the first 600.
        #expect(requests.prefix(300).contains { $0.failure == .databaseDeadlock })
        for request in deadlocked {
            let database = try #require(request.spans.first { $0.serviceName == "database" && $0.status.code == .error })
            #expect(database.status.message == "deadlock detected")
            #expect(database.attributes["db.response.status_code"] == .string("40P01"))
            #expect(database.attributes["db.statement"]?.text.hasPrefix("INSERT INTO payments") == true)
            #expect(database.duration >= 1_000_000_000, "aborted after deadlock_timeout")
            // The error climbs through payment's client span and every server span up to the frontend.
            let client = try #require(request.spans.first { $0.spanID == database.parentSpanID })
            #expect(client.serviceName == "payment" && client.status.code == .error)
            #expect(client.events.map(\.name) == ["exception"])
            for service in ["payment", "checkout", "frontend"] {
                #expect(request.spans.contains { $0.serviceName == service && $0.kind == .server && $0.status.code == .error })
            }
            #expect(request.logs.contains {
                $0.serviceName == "database" && $0.severity.level == .error && $0.line.contains("deadlock detected")
                    && $0.spanID == database.spanID
            })
            #expect(request.logs.contains { $0.serviceName == "payment" && $0.severity.level == .error })
            #expect(request.serverCalls.map(\.statusCode) == [502, 500, 500, 200])  // frontend, checkout, payment, cart
        }
        var metrics = ShopMetrics(startTime: Self.start)
        for request in requests { metrics.record(request) }
        let export = metrics.exportRequest(at: Self.start + 1)
        let payment5xx = export.resourceMetrics
            .filter { $0.resource.attributes.contains { $0.key == "service.name" && $0.value.stringValue == "payment" } }
            .flatMap { $0.scopeMetrics[0].metrics.filter { $0.name == ShopMetrics.requestsName }.flatMap(\.sum.dataPoints) }
            .filter { $0.attributes.contains { $0.key == "http.response.status_code" && $0.value.intValue == 500 } }
            .reduce(0) { $0 + $1.asInt }
        #expect(payment5xx == Int64(requests.filter(\.failed).count))
    }
}

struct ShopMetricsTests {
    @Test func requestCountsAddUpToTheServerCallsRecorded() throws {
        let requests = ShopWorkloadTests.requests(seed: 42, count: 300)
        var metrics = ShopMetrics(startTime: ShopWorkloadTests.start)
        for request in requests { metrics.record(request) }
        #expect(metrics.requestCount() == 300 * 4)
        #expect(metrics.requestCount(service: .frontend) == 300)
        #expect(metrics.requestCount(service: .database) == 0)

        let export = metrics.exportRequest(at: ShopWorkloadTests.start + 5_000_000_000)
        #expect(export.resourceMetrics.count == 4)
        var total: Int64 = 0
        var frontend5xx: Int64 = 0
        for resource in export.resourceMetrics {
            let metricsByName = Dictionary(
                uniqueKeysWithValues: resource.scopeMetrics[0].metrics.map { ($0.name, $0) })
            let sum = try #require(metricsByName["http.server.requests"]).sum
            let histogram = try #require(metricsByName["http.server.request.duration"]).histogram
            #expect(sum.isMonotonic && sum.aggregationTemporality == .cumulative)
            #expect(histogram.aggregationTemporality == .cumulative)
            #expect(sum.dataPoints.map(\.asInt) == histogram.dataPoints.map { Int64($0.count) })
            for point in histogram.dataPoints {
                #expect(point.bucketCounts.reduce(0, +) == point.count)
                #expect(point.explicitBounds == ShopMetrics.durationBounds)
                #expect(point.startTimeUnixNano == UInt64(ShopWorkloadTests.start))
            }
            total += sum.dataPoints.reduce(0) { $0 + $1.asInt }
            if resource.resource.attributes.contains(where: { $0.key == "service.name" && $0.value.stringValue == "frontend" }) {
                frontend5xx = sum.dataPoints.filter {
                    $0.attributes.contains { $0.key == "http.response.status_code" && $0.value.intValue >= 500 }
                }.reduce(0) { $0 + $1.asInt }
            }
        }
        #expect(total == 1_200)
        #expect(frontend5xx == Int64(requests.filter(\.failed).count))
    }

    @Test func exportedMetricsDecodeIntoPrometheusSeries() throws {
        var metrics = ShopMetrics(startTime: ShopWorkloadTests.start)
        for request in ShopWorkloadTests.requests(seed: 1, count: 20) { metrics.record(request) }
        let body = OTLPEncoder.body(metrics.exportRequest(at: ShopWorkloadTests.start + 1), format: .protobuf)
        let decoded = try Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest(serializedBytes: body)
        #expect(decoded == metrics.exportRequest(at: ShopWorkloadTests.start + 1))
        #expect(metrics.pointCount == decoded.resourceMetrics.reduce(0) {
            $0 + $1.scopeMetrics[0].metrics.reduce(0) { $0 + $1.sum.dataPoints.count + $1.histogram.dataPoints.count }
        })
    }
}

struct LoadScheduleTests {
    @Test func aRateSpreadsRequestsEvenlyAcrossTicks() {
        var schedule = LoadSchedule(
            start: 1_000, rate: 25, tick: 100_000_000, batchSize: 100, count: nil, duration: 1_000_000_000)
        var ticks: [LoadSchedule.Tick] = []
        while let tick = schedule.next() { ticks.append(tick) }
        #expect(ticks.count == 10)
        #expect(ticks.map(\.due) == (0..<10).map { Int64($0) * 100_000_000 })
        #expect(ticks.reduce(0) { $0 + $1.starts.count } == 25)
        #expect(ticks[0].starts == [1_000, 50_001_000])
        #expect(ticks.flatMap(\.starts) == ticks.flatMap(\.starts).sorted())
    }

    @Test func unlimitedModeFillsBatchesUpToTheCount() {
        var schedule = LoadSchedule(start: 0, rate: 0, tick: 100_000_000, batchSize: 40, count: 100, duration: nil)
        var sizes: [Int] = []
        while let tick = schedule.next() {
            #expect(tick.due == nil)
            sizes.append(tick.starts.count)
        }
        #expect(sizes == [40, 40, 20])
        #expect(schedule.now == 100 * LoadSchedule.unlimitedSpacing)
    }

    @Test func invalidOptionsAreRefusedWithAMessageNamingTheOption() {
        #expect(throws: LoadError.self) { try LoadRunner(options: LoadOptions(tenant: "bad tenant")) }
        do {
            _ = try LoadRunner(options: LoadOptions(rate: -1))
            Issue.record("a negative rate was accepted")
        } catch {
            #expect(error.kind == .invalidOptions)
            #expect(error.message.contains("rate"))
        }
    }
}

struct LoadRunnerTests {
    @Test func sendsEveryBatchToARealServerAndCountsAcknowledgements() async throws {
        let server = try await TestServer.start()
        var options = LoadOptions(
            endpoint: server.otlpURL, tenant: "shop", rate: 0, count: 60, concurrency: 4, batchSize: 25,
            gzip: true, startTime: ShopWorkloadTests.start)
        options.maxRetries = 1
        // Metrics only at the end: a run slowed by a loaded machine must not reach a periodic export (it did: 8).
        options.metricsInterval = .seconds(3600)
        let summary = try await LoadRunner(options: options).run()
        await server.stop()

        let progress = summary.progress
        #expect(progress.lastFailure == nil)
        #expect(progress.failures == 0)
        #expect(progress.requestsSimulated == 60)
        let expected = ShopWorkloadTests.requests(seed: 42, count: 60)
        #expect(progress.spansSent == expected.reduce(0) { $0 + $1.spans.count })
        #expect(progress.spansAcknowledged == progress.spansSent)
        #expect(progress.logsAcknowledged == progress.logsSent)
        #expect(progress.pointsAcknowledged == progress.pointsSent && progress.pointsSent > 0)
        // 3 batches × (traces + logs) + the final metrics export.
        #expect(progress.postsAcknowledged == 7)
        #expect(!summary.cancelled && summary.acknowledgedSpansPerSecond > 0)
    }

    @Test func aRatePacesTicksOverTheDurationAndReportsProgress() async throws {
        let server = try await TestServer.start()
        let options = LoadOptions(
            endpoint: server.otlpURL, rate: 100, duration: .milliseconds(300), metricsInterval: .milliseconds(150))
        let reports = Reports()
        let began = ContinuousClock.now
        let summary = try await LoadRunner(options: options).run { reports.append($0) }
        let elapsed = ContinuousClock.now - began
        await server.stop()

        #expect(summary.progress.requestsSimulated == 30)
        #expect(summary.progress.failures == 0)
        #expect(summary.progress.spansAcknowledged == summary.progress.spansSent)
        #expect(elapsed >= .milliseconds(200))
        #expect(reports.last == summary.progress)
    }

    /// Collects progress reports from the runner's task.
    final class Reports: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [LoadProgress] = []

        func append(_ progress: LoadProgress) {
            lock.withLock { items.append(progress) }
        }

        var last: LoadProgress? { lock.withLock { items.last } }
    }

    @Test func aBusyAnswerIsRetriedAfterItsRetryAfterAndABadRequestIsNot() async throws {
        // The first POST is told to come back (429, Retry-After: 0); every metrics POST is refused as bad.
        let posts = Mutex<[String]>([])
        let router = Router()
        router.post("/v1/:signal") { _, context -> Response in
            let signal = context.parameters.get("signal") ?? ""
            let first = posts.withLock { posts in
                posts.append(signal)
                return posts.count == 1
            }
            if first { return Response(status: .tooManyRequests, headers: [.retryAfter: "0"]) }
            return Response(status: signal == "metrics" ? .badRequest : .ok)
        }
        let server = await LoopbackApplication.start(router)
        defer { server.stop() }

        let options = LoadOptions(
            endpoint: URL(string: "http://127.0.0.1:\(server.port)")!, rate: 0, count: 10, concurrency: 1, batchSize: 10,
            maxRetries: 2)
        let progress = try await LoadRunner(options: options).run().progress

        #expect(progress.retries == 1)
        #expect(progress.spansAcknowledged == progress.spansSent && progress.spansSent > 0)
        #expect(progress.logsAcknowledged == progress.logsSent)
        // A metrics POST is not retried: a 400 cannot be fixed by sending it again. (A slow run may flush the
        // metrics twice, each failing once: `retries` above shows neither was sent again.)
        let sent = posts.withLock { $0 }
        #expect(Array(sent.prefix(3)) == ["traces", "traces", "logs"])
        #expect(sent.count > 3 && sent.dropFirst(3).allSatisfy { $0 == "metrics" }, "\(sent)")
        #expect(progress.failures == sent.count - 3 && progress.pointsAcknowledged == 0)
        #expect(progress.lastFailure?.contains("answered 400") == true)
    }

    @Test func anEndpointThatNeverAnswersStopsTheRunWithAnError() async {
        let options = LoadOptions(
            endpoint: URL(string: "http://127.0.0.1:1")!, rate: 0, count: 1_000, concurrency: 1, batchSize: 10,
            maxRetries: 0)
        await #expect(throws: LoadError.self) {
            _ = try await LoadRunner(options: options).run()
        }
    }
}
