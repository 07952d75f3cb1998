import LumenModel

/// Which service calls which, and how those calls go, from the spans of a time range.
///
/// An edge caller → callee is a span whose parent span belongs to another service: its calls, errors and
/// latency are those of the child (callee) span. A service's own figures come from its entry spans: server
/// spans, and root spans (a request that started there). Spans whose parent lies outside the range are not
/// edges: the range decides which calls are counted, as for a metric over it. An edge's or service's rate is
/// over the time it was seen (see ``CallStats/rate``), so a load that ran 30 s of a 5 m range shows its own rate.
///
/// A call to something that sends no spans of its own (a database, a cache, a third-party API) is a client
/// span without children; it is an edge to a node named by its `peer.service`, `db.system` or
/// `server.address` attribute (as Tempo's virtual nodes), measured by the client span.
public struct ServiceCallGraph: Sendable, Equatable {
    public struct Edge: Codable, Sendable, Equatable {
        public var caller: String
        public var callee: String
        public var stats: CallStats

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            caller = try container.decode(String.self, forKey: .caller)
            callee = try container.decode(String.self, forKey: .callee)
            stats = try CallStats(from: decoder)
        }

        /// Flat: `{"caller":…, "callee":…, "calls":…, …}`.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(caller, forKey: .caller)
            try container.encode(callee, forKey: .callee)
            try stats.encode(to: encoder)
        }

        init(caller: String, callee: String, stats: CallStats) {
            self.caller = caller
            self.callee = callee
            self.stats = stats
        }

        private enum CodingKeys: String, CodingKey { case caller, callee }
    }

    public struct Service: Codable, Sendable, Equatable {
        public var service: String
        public var stats: CallStats

        public init(from decoder: any Decoder) throws {
            service = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .service)
            stats = try CallStats(from: decoder)
        }

        /// Flat: `{"service":…, "calls":…, …}`.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(service, forKey: .service)
            try stats.encode(to: encoder)
        }

        init(service: String, stats: CallStats) {
            self.service = service
            self.stats = stats
        }

        private enum CodingKeys: String, CodingKey { case service }
    }

    /// Sorted by caller, then callee.
    public var edges: [Edge]
    /// Sorted by name.
    public var services: [Service]

    /// What the graph needs of one span: taken as spans are read, so that no span is kept.
    struct Call {
        let trace: TraceID
        let span: SpanID
        let parent: SpanID?
        let service: String
        let kind: SpanKind
        let failed: Bool
        /// Nanoseconds since the epoch.
        let start: Int64
        let duration: Int64
        /// What a client or producer span names as the other side, for a call to something that sends no spans.
        let peer: String?

        init(_ span: Span) {
            trace = span.traceID
            self.span = span.spanID
            parent = span.parentSpanID
            service = span.serviceName
            kind = span.kind
            failed = span.status.code == .error
            start = span.startTime
            duration = span.duration
            peer = span.kind == .client || span.kind == .producer ? ServiceCallGraph.peer(of: span) : nil
        }
    }

    /// The graph of `spans`, which started in `[from, to]`.
    public init(spans: [Span], from: Int64, to: Int64) {
        self.init(calls: spans.map(Call.init), from: from, to: to)
    }

    /// The graph of the spans `calls` were taken from, which started in `[from, to]`.
    init(calls: [Call], from: Int64, to: Int64) {
        let range = Double(to - from) / 1e9
        // Each call found by trace and span ID, as an index into `calls`.
        var index: [SpanKey: Int] = [:]
        index.reserveCapacity(calls.count)
        var parents = Set<SpanKey>()
        for (position, call) in calls.enumerated() {
            index[SpanKey(trace: call.trace, span: call.span)] = position
            if let parent = call.parent { parents.insert(SpanKey(trace: call.trace, span: parent)) }
        }
        var edgeCalls: [Route: Calls] = [:]
        var serviceCalls: [String: Calls] = [:]
        for call in calls {
            if call.kind == .server || call.parent == nil { serviceCalls[call.service, default: Calls()].add(call) }
            let route: Route
            if let parentID = call.parent, let parent = index[SpanKey(trace: call.trace, span: parentID)],
                calls[parent].service != call.service
            {
                route = Route(caller: calls[parent].service, callee: call.service)
            } else if let peer = call.peer, !parents.contains(SpanKey(trace: call.trace, span: call.span)) {
                route = Route(caller: call.service, callee: peer)
            } else {
                continue
            }
            edgeCalls[route, default: Calls()].add(call)
        }
        edges = edgeCalls.map { route, calls in
            Edge(caller: route.caller, callee: route.callee, stats: calls.stats(range: range))
        }.sorted { ($0.caller, $0.callee) < ($1.caller, $1.callee) }
        services = serviceCalls.map { name, calls in
            Service(service: name, stats: calls.stats(range: range))
        }.sorted { $0.service < $1.service }
    }

    private struct SpanKey: Hashable {
        let trace: TraceID
        let span: SpanID
    }

    private struct Route: Hashable {
        let caller: String
        let callee: String
    }

    /// The calls of one edge or service as they are gathered.
    private struct Calls {
        var durations: [Int64] = []
        var errors = 0
        var first = Int64.max
        var last = Int64.min

        mutating func add(_ call: Call) {
            durations.append(call.duration)
            if call.failed { errors += 1 }
            first = min(first, call.start)
            last = max(last, call.start)
        }

        func stats(range: Double) -> CallStats {
            CallStats(durations: durations, errors: errors, seen: Double(last - first) / 1e9, range: range)
        }
    }

    /// Attributes that name what a client span calls, most specific first.
    private static let peerAttributes = ["peer.service", "db.system", "server.address"]

    public static func peer(of span: Span) -> String? {
        for key in peerAttributes {
            if let value = span.attributes[key]?.text, !value.isEmpty { return value }
        }
        return nil
    }
}
