import Foundation
import Hummingbird
import LumenEngine
import LumenModel
import LumenQuery
import LumenWire
import SwiftProtobuf

/// Correlation across services:
/// - `GET /lumen/v1/service-graph?start=<unix s>&end=<unix s>` (or `since=1h`): who calls whom, with rates,
///   errors and latency quantiles (`ServiceGraphResponse`); without a range, the last hour.
/// A trace as OTLP (`/api/traces/<trace-id>`) is Tempo's route (`TempoRoutes`).
struct CorrelationRoutes: Sendable {
    let engine: QueryEngine
    let tenants: TenantResolver
    let queries: QueryExecutor

    func register(on router: Router<BasicRequestContext>) {
        router.get("/lumen/v1/service-graph") { request, _ in
            try await self.serviceGraph(request)
        }
    }

    private func serviceGraph(_ request: Request) async throws(APIError) -> Response {
        let window = try NativeQueryRoutes.window(FormParameters(request.uri.query))
        do {
            let tenant = try tenants.tenant(of: request)
            return try await queries.run { [engine] cancellation in
                .json(ServiceGraphResponse(
                    try engine.serviceGraph(tenant, from: window.start, to: window.end, cancellation: cancellation)))
            }
        } catch let error as QueryError {
            throw APIError(error)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(.internalServerError, "\(error)")
        }
    }
}

/// Spans as an OTLP/JSON `ExportTraceServiceRequest`: resourceSpans grouped by resource and scope (by
/// `OTLPEncoder`), enums as integers, and IDs as hex, as the OTLP JSON mapping requires (protobuf's own JSON
/// would write bytes as base64).
enum OTLPTraceJSON {
    static func encode(_ spans: [Span]) throws -> Data {
        var options = JSONEncodingOptions()
        options.alwaysPrintEnumsAsInts = true
        let protobufJSON = try OTLPEncoder.traces(spans).jsonUTF8Data(options: options)
        guard var object = try JSONSerialization.jsonObject(with: protobufJSON) as? [String: Any] else {
            return protobufJSON
        }
        object = hexIDs(object) as? [String: Any] ?? object
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    private static let idKeys: Set<String> = ["traceId", "spanId", "parentSpanId"]

    private static func hexIDs(_ value: Any) -> Any {
        if let array = value as? [Any] { return array.map(hexIDs) }
        guard let object = value as? [String: Any] else { return value }
        var result: [String: Any] = [:]
        for (key, field) in object {
            if idKeys.contains(key), let base64 = field as? String, let bytes = Data(base64Encoded: base64) {
                result[key] = HexCoding.encode(Array(bytes))
            } else {
                result[key] = hexIDs(field)
            }
        }
        return result
    }
}
