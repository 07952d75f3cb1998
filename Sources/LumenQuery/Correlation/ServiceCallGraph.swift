import LumenModel

/// Which service calls which, and how those calls go, from the spans of a time range.
///
/// An edge caller → callee is a span whose parent span belongs to another service: its calls, errors and
/// latency are those of the child (callee) span. A service's own figures come from its entry spans: server
/// spans, and root spans (a request that started there). Spans whose parent lies outside the range are not
/// edges: the range decides which calls are counted, as for a metric over it.
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
        let seconds = Double(to - from) / 1e9
        var byID: [TraceID: [SpanID: Span]] = [:]
        var parents: Set<SpanKey> = []
        for span in spans {
            byID[span.traceID, default: [:]][span.spanID] = span
            if let parent = span.parentSpanID { parents.insert(SpanKey(trace: span.traceID, span: parent)) }
        }
        var edgeCalls: [[String]: (durations: [Int64], errors: Int)] = [:]
        var serviceCalls: [String: (durations: [Int64], errors: Int)] = [:]
        for span in spans {
            let failed = span.status.code == .error ? 1 : 0
            if span.kind == .server || span.isRoot {
                serviceCalls[span.serviceName, default: ([], 0)].durations.append(span.duration)
                serviceCalls[span.serviceName, default: ([], 0)].errors += failed
            }
            let key: [String]
            if let parentID = span.parentSpanID, let parent = byID[span.traceID]?[parentID],
                parent.serviceName != span.serviceName
            {
                key = [parent.serviceName, span.serviceName]
            } else if span.kind == .client || span.kind == .producer,
                !parents.contains(SpanKey(trace: span.traceID, span: span.spanID)),
                let peer = Self.peer(of: span)
            {
                key = [span.serviceName, peer]
            } else {
                continue
            }
            edgeCalls[key, default: ([], 0)].durations.append(span.duration)
            edgeCalls[key, default: ([], 0)].errors += failed
        }
        edges = edgeCalls.map { key, calls in
            Edge(caller: key[0], callee: key[1],
                stats: CallStats(durations: calls.durations, errors: calls.errors, seconds: seconds))
        }.sorted { ($0.caller, $0.callee) < ($1.caller, $1.callee) }
        services = serviceCalls.map { name, calls in
            Service(service: name, stats: CallStats(durations: calls.durations, errors: calls.errors, seconds: seconds))
        }.sorted { $0.service < $1.service }
    }

    private struct SpanKey: Hashable {
        let trace: TraceID
        let span: SpanID
    }

    /// Attributes that name what a client span calls, most specific first.
    private static let peerAttributes = ["peer.service", "db.system", "server.address"]

    private static func peer(of span: Span) -> String? {
        for key in peerAttributes {
            if let value = span.attributes[key]?.text, !value.isEmpty { return value }
        }
        return nil
    }
}
