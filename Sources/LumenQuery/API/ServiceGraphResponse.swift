/// The answer of `GET /lumen/v1/service-graph`:
/// `{"status":"success","data":{"edges":[{"caller","callee","calls","errors","rate","errorRatio","p50","p95","p99"}],
/// "services":[{"service","calls",…}]}}`. Dashboards read this shape; change it only with them.
public struct ServiceGraphResponse: Codable, Sendable, Equatable {
    public struct Data: Codable, Sendable, Equatable {
        public var edges: [ServiceCallGraph.Edge]
        public var services: [ServiceCallGraph.Service]
    }

    public var status: String
    public var data: Data

    public init(_ graph: ServiceCallGraph) {
        status = "success"
        data = Data(edges: graph.edges, services: graph.services)
    }
}
