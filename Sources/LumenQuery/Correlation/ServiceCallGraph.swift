import LumenEngine
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

    /// The graph of `spans`, which started in `[from, to]`.
    public init(spans: [Span], from: Int64, to: Int64) {
        self.init(calls: spans.map(SpanCallFields.init), from: from, to: to)
    }

    /// The graph of the spans `calls` were taken from, which started in `[from, to]`.
    init(calls: [SpanCallFields], from: Int64, to: Int64) {
        let range = Double(to - from) / 1e9
        let tree = CallTree(calls)
        var edgeCalls: [Route: Calls] = [:]
        var serviceCalls: [String: Calls] = [:]
        for (position, call) in calls.enumerated() {
            if call.kind == .server || call.parentSpanID == nil {
                serviceCalls[call.service, default: Calls()].add(call)
            }
            let route: Route
            if let parent = tree.parents[position], calls[parent].service != call.service {
                route = Route(caller: calls[parent].service, callee: call.service)
            } else if let peer = call.peer, !tree.hasChildren[position] {
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

        mutating func add(_ call: SpanCallFields) {
            durations.append(call.duration)
            if call.status == .error { errors += 1 }
            first = min(first, call.startTime)
            last = max(last, call.startTime)
        }

        func stats(range: Double) -> CallStats {
            CallStats(durations: durations, errors: errors, seen: Double(last - first) / 1e9, range: range)
        }
    }

    /// What a client or producer span names as the other side (`SpanCallFields.peerAttributes`).
    public static func peer(of span: Span) -> String? { SpanCallFields.peer(of: span.attributes) }
}
