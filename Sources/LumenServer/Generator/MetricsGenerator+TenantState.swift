import LumenModel
import LumenQuery

extension MetricsGenerator {
    /// One tenant's counters and the spans waiting to be paired. Used under the generator's lock.
    struct TenantState {
        private var spanMetrics: [SpanKey: Counted] = [:]
        private var edges: [EdgeKey: Edge] = [:]
        /// Spans seen lately, by ID, for children that arrive after them.
        private var recent: [SpanRef: Waiting] = [:]
        /// Children that arrived before their parent, by the parent's ID.
        private var orphans: [SpanRef: [Waiting]] = [:]

        mutating func observe(_ spans: [Span], now: Int64, maxWaiting: Int) {
            for span in spans {
                let key = SpanKey(span)
                spanMetrics[key, default: Counted()].add(span, now: now)
                var this = Waiting(span, now: now)
                if let parentID = span.parentSpanID {
                    let parent = SpanRef(trace: span.traceID, span: parentID)
                    if recent[parent] != nil {
                        recent[parent]!.hasChild = true
                        pair(caller: recent[parent]!, callee: this, now: now)
                    } else {
                        orphans[parent, default: []].append(this)
                    }
                }
                if let children = orphans.removeValue(forKey: SpanRef(trace: span.traceID, span: span.spanID)) {
                    this.hasChild = true
                    for child in children { pair(caller: this, callee: child, now: now) }
                }
                recent[SpanRef(trace: span.traceID, span: span.spanID)] = this
            }
            if recent.count + orphans.count > maxWaiting { expire(before: .max, now: now, keep: maxWaiting / 2) }
        }

        private mutating func pair(caller: Waiting, callee: Waiting, now: Int64) {
            guard caller.service != callee.service else { return }
            let key = EdgeKey(client: caller.service, server: callee.service, virtual: false)
            edges[key, default: Edge()].add(
                failed: callee.failed, server: callee.duration, client: caller.duration, now: now)
        }

        /// Lets go of what waited since before `before` (or, to free room, all but the newest `keep`): a client
        /// span that found no child and names a peer becomes a call to that peer.
        private mutating func expire(before: Int64, now: Int64, keep: Int = .max) {
            var cutoff = before
            if recent.count + orphans.count > keep {
                let times = (recent.values.map(\.arrived) + orphans.values.flatMap { $0.map(\.arrived) }).sorted()
                cutoff = min(cutoff, times[times.count - keep])
            }
            for (key, waiting) in recent where waiting.arrived < cutoff {
                recent[key] = nil
                if !waiting.hasChild, let peer = waiting.peer {
                    let edge = EdgeKey(client: waiting.service, server: peer, virtual: true)
                    edges[edge, default: Edge()].add(
                        failed: waiting.failed, server: waiting.duration, client: waiting.duration, now: now)
                }
            }
            orphans = orphans.filter { _, children in children.contains { $0.arrived >= cutoff } }
        }

        mutating func collect(now: Int64, wait: Int64, staleAfter: Int64) -> [TimeSeries] {
            expire(before: now - wait, now: now)
            spanMetrics = spanMetrics.filter { now - $0.value.updated <= staleAfter }
            edges = edges.filter { now - $0.value.updated <= staleAfter }
            var series: [TimeSeries] = []
            for (key, counted) in spanMetrics {
                let labels = key.labels
                series += counted.series(labels, now: now)
                spanMetrics[key]!.collected = true
            }
            for (key, edge) in edges {
                series += edge.series(key.labels, now: now)
                edges[key]!.collected = true
            }
            return series
        }
    }

    struct SpanRef: Hashable {
        let trace: TraceID
        let span: SpanID
    }

    /// What pairing needs of a span while it waits.
    struct Waiting {
        let service: String
        let failed: Bool
        let duration: Double
        let peer: String?
        let arrived: Int64
        var hasChild = false

        init(_ span: Span, now: Int64) {
            service = span.serviceName
            failed = span.status.code == .error
            duration = Double(span.duration) / 1e9
            peer = span.kind == .client || span.kind == .producer ? ServiceCallGraph.peer(of: span) : nil
            arrived = now
        }
    }

    /// The labels of `traces_spanmetrics_*`, as Tempo writes them.
    struct SpanKey: Hashable {
        let service: String
        let name: String
        let kind: SpanKind
        let status: SpanStatus.Code

        init(_ span: Span) {
            service = span.serviceName
            name = span.name
            kind = span.kind
            status = span.status.code
        }

        var labels: [Label] {
            [Label("service", service), Label("span_name", name),
             Label("span_kind", "SPAN_KIND_" + kind.name.uppercased()),
             Label("status_code", "STATUS_CODE_" + status.name.uppercased())]
        }
    }

    struct EdgeKey: Hashable {
        let client: String
        let server: String
        let virtual: Bool

        var labels: [Label] {
            [Label("client", client), Label("server", server)]
                + (virtual ? [Label("connection_type", "virtual_node")] : [])
        }
    }

    /// Calls and latency of one span key.
    struct Counted {
        var latency = GeneratedHistogram(bounds: GeneratedHistogram.spanLatencyBounds)
        var updated: Int64 = 0
        var collected = false

        mutating func add(_ span: Span, now: Int64) {
            latency.observe(seconds: Double(span.duration) / 1e9)
            updated = now
        }

        func series(_ labels: [Label], now: Int64) -> [TimeSeries] {
            [GeneratedSeries.counter("traces_spanmetrics_calls_total", labels, Double(latency.count), now, collected)]
                + GeneratedSeries.histogram("traces_spanmetrics_latency", labels, latency, now, collected)
        }
    }

    /// Calls, failures and latency of one edge.
    struct Edge {
        var failed: UInt64 = 0
        var server = GeneratedHistogram(bounds: GeneratedHistogram.serviceGraphBounds)
        var client = GeneratedHistogram(bounds: GeneratedHistogram.serviceGraphBounds)
        var updated: Int64 = 0
        var collected = false

        mutating func add(failed: Bool, server: Double, client: Double, now: Int64) {
            if failed { self.failed += 1 }
            self.server.observe(seconds: server)
            self.client.observe(seconds: client)
            updated = now
        }

        func series(_ labels: [Label], now: Int64) -> [TimeSeries] {
            [
                GeneratedSeries.counter(
                    "traces_service_graph_request_total", labels, Double(server.count), now, collected),
                GeneratedSeries.counter(
                    "traces_service_graph_request_failed_total", labels, Double(failed), now, collected),
            ]
                + GeneratedSeries.histogram(
                    "traces_service_graph_request_server_seconds", labels, server, now, collected)
                + GeneratedSeries.histogram(
                    "traces_service_graph_request_client_seconds", labels, client, now, collected)
        }
    }
}
