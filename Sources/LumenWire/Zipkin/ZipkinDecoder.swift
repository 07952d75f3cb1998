import Foundation
import LumenModel

/// Decodes Zipkin v2 JSON (`POST /api/v2/spans`, a JSON list of spans) into spans. Pure and thread-safe.
///
/// A body that is not a JSON list throws `.malformed`; a span with a wrong type, an invalid ID, or a missing
/// or negative timestamp is refused and counted, the rest are kept. The mapping (docs/collectors.md):
/// - IDs: hex, up to 32 (trace) or 16 (span) digits, left-padded with zeros (64-bit trace IDs included);
/// - `timestamp`/`duration` µs → ns; `kind` CLIENT/SERVER/PRODUCER/CONSUMER, absent → unspecified;
/// - `localEndpoint.serviceName` → `service.name`; its address → `net.host.ip`/`net.host.port`;
/// - `remoteEndpoint` → `peer.service`, `net.peer.ip`, `net.peer.port`;
/// - tags → attributes; an `error` tag → status error with the tag's value as message (`otel.status_code`
///   and `otel.status_description` tags are honoured too); annotations → events; `shared` → `zipkin.shared`.
public enum ZipkinDecoder {
    public static func decode(_ body: [UInt8], tenant: Tenant) throws(WireError) -> DecodeResult {
        let list: [Lossy<ZipkinSpanJSON>]
        do {
            list = try JSONDecoder().decode([Lossy<ZipkinSpanJSON>].self, from: Data(body))
        } catch {
            throw .malformed("body is not a Zipkin v2 JSON list of spans: \(JSONErrorText.describe(error))")
        }
        var rejections = Rejections()
        var spans: [Span] = []
        spans.reserveCapacity(list.count)
        for (i, element) in list.enumerated() {
            do {
                let wire = try element.result.get()
                spans.append(try span(wire))
            } catch let error as Failure {
                rejections.reject("[\(i)]: \(error.message)")
            } catch let error as DecodingError {
                rejections.reject(JSONErrorText.describe(error))  // its path starts with "[i]"
            } catch {
                rejections.reject("[\(i)]: \(JSONErrorText.describe(error))")
            }
        }
        return DecodeResult(
            batch: Batch(tenant: tenant, spans: spans), rejected: rejections.count,
            rejectionMessage: rejections.message(noun: "spans"))
    }

    struct Failure: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    private static let kinds: [String: SpanKind] = [
        "CLIENT": .client, "SERVER": .server, "PRODUCER": .producer, "CONSUMER": .consumer,
    ]

    static func span(_ wire: ZipkinSpanJSON) throws(Failure) -> Span {
        guard let traceID = HexID.traceID(wire.traceId) else {
            throw Failure("traceId \(wire.traceId.debugDescription) must be 16 or 32 hex digits, not all zero")
        }
        guard let spanID = HexID.spanID(wire.id) else {
            throw Failure("id \(wire.id.debugDescription) must be 16 hex digits, not all zero")
        }
        var parent: SpanID?
        if let parentId = wire.parentId, !parentId.isEmpty, parentId.contains(where: { $0 != "0" }) {
            guard let id = HexID.spanID(parentId) else {
                throw Failure("parentId \(parentId.debugDescription) must be 16 hex digits")
            }
            parent = id
        }
        var kind = SpanKind.unspecified
        if let text = wire.kind {
            guard let known = kinds[text.uppercased()] else {
                throw Failure("kind \(text.debugDescription) is not CLIENT, SERVER, PRODUCER or CONSUMER")
            }
            kind = known
        }
        guard let timestamp = wire.timestamp else { throw Failure("timestamp is missing") }
        let duration = wire.duration ?? 0
        guard timestamp >= 0, duration >= 0 else {
            throw Failure("timestamp and duration must not be negative (got \(timestamp), \(duration))")
        }
        guard let start = nanoseconds(timestamp), let length = nanoseconds(duration),
            case let (end, overflow) = start.addingReportingOverflow(length), !overflow
        else { throw Failure("timestamp \(timestamp) µs + duration \(duration) µs is out of range") }

        var attributes: [Attribute] = []
        var status = SpanStatus()
        if let local = wire.localEndpoint { endpoint(local, prefix: "net.host", into: &attributes) }
        if let remote = wire.remoteEndpoint {
            if let service = remote.serviceName, !service.isEmpty {
                attributes.append(Attribute("peer.service", .string(service)))
            }
            endpoint(remote, prefix: "net.peer", into: &attributes)
        }
        for (key, value) in (wire.tags ?? [:]).sorted(by: { $0.key < $1.key }) {
            switch key {
            case "error":
                status.code = .error
                if value.text != "true" { status.message = value.text }
            case "otel.status_code":
                if status.code != .error { status.code = value.text == "ERROR" ? .error : value.text == "OK" ? .ok : .unset }
            case "otel.status_description":
                if status.message.isEmpty { status.message = value.text }
            default:
                attributes.append(Attribute(key, .string(value.text)))
            }
        }
        if let shared = wire.shared { attributes.append(Attribute("zipkin.shared", .bool(shared))) }
        if let debug = wire.debug, debug { attributes.append(Attribute("zipkin.debug", .bool(true))) }

        var events: [SpanEvent] = []
        for (a, annotation) in (wire.annotations ?? []).enumerated() {
            guard annotation.timestamp >= 0, let time = nanoseconds(annotation.timestamp) else {
                throw Failure("annotations[\(a)].timestamp \(annotation.timestamp) µs is out of range")
            }
            events.append(SpanEvent(time: time, name: annotation.value))
        }

        var resourceAttributes: [Attribute] = []
        if let service = wire.localEndpoint?.serviceName, !service.isEmpty {
            resourceAttributes.append(Attribute(Resource.serviceNameKey, .string(service)))
        }
        return Span(
            traceID: traceID, spanID: spanID, parentSpanID: parent, name: wire.name ?? "", kind: kind,
            startTime: start, endTime: end, status: status, attributes: attributes, events: events,
            resource: Resource(attributes: resourceAttributes))
    }

    private static func endpoint(_ endpoint: ZipkinSpanJSON.Endpoint, prefix: String, into attributes: inout [Attribute]) {
        if let ip = endpoint.ipv4 ?? endpoint.ipv6, !ip.isEmpty { attributes.append(Attribute(prefix + ".ip", .string(ip))) }
        if let port = endpoint.port, port > 0 { attributes.append(Attribute(prefix + ".port", .int(Int64(port)))) }
    }

    private static func nanoseconds(_ microseconds: Int64) -> Int64? {
        let (result, overflow) = microseconds.multipliedReportingOverflow(by: 1000)
        return overflow ? nil : result
    }
}
