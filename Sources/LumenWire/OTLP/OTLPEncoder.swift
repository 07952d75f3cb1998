import Foundation
import LumenModel
import SwiftProtobuf

/// Builds OTLP export requests from model values: used by the load generator and by tests.
/// Items are grouped by resource, then by scope, in order of first appearance, so that decoding the
/// request gives back the same items in the same order.
public enum OTLPEncoder {
    public static func traces(_ spans: [Span]) -> Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest {
        var request = OTLPTraceRequest()
        request.resourceSpans = grouped(spans, resource: \.resource, scope: \.scope).map { group in
            .with {
                $0.resource = .with { $0.attributes = AttributeMapping.keyValues(group.resource.attributes) }
                $0.scopeSpans = group.scopes.map { scopeGroup in
                    .with {
                        $0.scope = wireScope(scopeGroup.scope)
                        $0.spans = scopeGroup.items.map(wireSpan)
                    }
                }
            }
        }
        return request
    }

    public static func logs(_ logs: [LogRecord]) -> Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest {
        var request = OTLPLogsRequest()
        request.resourceLogs = grouped(logs, resource: \.resource, scope: \.scope).map { group in
            .with {
                $0.resource = .with { $0.attributes = AttributeMapping.keyValues(group.resource.attributes) }
                $0.scopeLogs = group.scopes.map { scopeGroup in
                    .with {
                        $0.scope = wireScope(scopeGroup.scope)
                        $0.logRecords = scopeGroup.items.map(wireLog)
                    }
                }
            }
        }
        return request
    }

    /// The request as an OTLP/HTTP body in `format`. JSON carries trace and span IDs as hex, as OTLP/JSON requires.
    public static func body(_ request: OTLPTraceRequest, format: OTLPFormat) -> Data {
        var request = request
        if format == .json { OTLPJSON.fixIDs(&request) { data, _ in OTLPJSON.encodedID(data) } }
        return serialize(request, format: format)
    }

    /// The request as an OTLP/HTTP body in `format`. JSON carries trace and span IDs as hex, as OTLP/JSON requires.
    public static func body(_ request: OTLPLogsRequest, format: OTLPFormat) -> Data {
        var request = request
        if format == .json { OTLPJSON.fixIDs(&request) { data, _ in OTLPJSON.encodedID(data) } }
        return serialize(request, format: format)
    }

    /// The request as an OTLP/HTTP body in `format`. JSON carries exemplars' trace and span IDs as hex.
    public static func body(_ request: OTLPMetricsRequest, format: OTLPFormat) -> Data {
        var request = request
        if format == .json { OTLPJSON.fixIDs(&request) { data, _ in OTLPJSON.encodedID(data) } }
        return serialize(request, format: format)
    }

    static func serialize(_ message: some SwiftProtobuf.Message, format: OTLPFormat) -> Data {
        // Neither can fail for a message built in memory: proto3 has no required fields, and every double
        // (NaN, ±Inf included) has a JSON spelling.
        switch format {
        case .protobuf: (try? message.serializedBytes()) ?? Data()
        case .json: (try? message.jsonUTF8Data()) ?? Data("{}".utf8)
        }
    }

    private static func wireScope(_ scope: InstrumentationScope) -> OTelScope {
        .with {
            $0.name = scope.name
            $0.version = scope.version
        }
    }

    private static func wireSpan(_ span: Span) -> OTelSpan {
        .with {
            $0.traceID = Data(span.traceID.bytes)
            $0.spanID = Data(span.spanID.bytes)
            if let parent = span.parentSpanID { $0.parentSpanID = Data(parent.bytes) }
            $0.name = span.name
            $0.kind = OTelSpan.SpanKind(rawValue: Int(span.kind.rawValue)) ?? .unspecified
            $0.startTimeUnixNano = AttributeMapping.wireNanoseconds(span.startTime)
            $0.endTimeUnixNano = AttributeMapping.wireNanoseconds(span.endTime)
            $0.attributes = AttributeMapping.keyValues(span.attributes)
            $0.events = span.events.map { event in
                .with {
                    $0.timeUnixNano = AttributeMapping.wireNanoseconds(event.time)
                    $0.name = event.name
                    $0.attributes = AttributeMapping.keyValues(event.attributes)
                }
            }
            $0.links = span.links.map { link in
                .with {
                    $0.traceID = Data(link.traceID.bytes)
                    $0.spanID = Data(link.spanID.bytes)
                    $0.traceState = link.traceState
                    $0.attributes = AttributeMapping.keyValues(link.attributes)
                }
            }
            if span.status != SpanStatus() {
                $0.status = .with {
                    $0.code = .init(rawValue: Int(span.status.code.rawValue)) ?? .unset
                    $0.message = span.status.message
                }
            }
        }
    }

    private static func wireLog(_ log: LogRecord) -> OTelLogRecord {
        .with {
            $0.timeUnixNano = AttributeMapping.wireNanoseconds(log.time)
            $0.observedTimeUnixNano = AttributeMapping.wireNanoseconds(log.observedTime)
            $0.severityNumber = .init(rawValue: Int(log.severity.number)) ?? .unspecified
            $0.severityText = log.severity.text
            $0.body = AttributeMapping.anyValue(log.body)
            $0.attributes = AttributeMapping.keyValues(log.attributes)
            if let traceID = log.traceID { $0.traceID = Data(traceID.bytes) }
            if let spanID = log.spanID { $0.spanID = Data(spanID.bytes) }
        }
    }

    private struct ResourceGroup<Item> {
        var resource: Resource
        var scopes: [ScopeGroup<Item>]
    }

    private struct ScopeGroup<Item> {
        var scope: InstrumentationScope
        var items: [Item]
    }

    private static func grouped<Item>(
        _ items: [Item], resource: KeyPath<Item, Resource>, scope: KeyPath<Item, InstrumentationScope>
    ) -> [ResourceGroup<Item>] {
        var groups: [ResourceGroup<Item>] = []
        var resourceIndex: [Resource: Int] = [:]
        var scopeIndex: [Int: [InstrumentationScope: Int]] = [:]
        for item in items {
            let itemResource = item[keyPath: resource]
            let itemScope = item[keyPath: scope]
            let r = resourceIndex[itemResource] ?? {
                groups.append(ResourceGroup(resource: itemResource, scopes: []))
                resourceIndex[itemResource] = groups.count - 1
                return groups.count - 1
            }()
            if let s = scopeIndex[r]?[itemScope] {
                groups[r].scopes[s].items.append(item)
            } else {
                groups[r].scopes.append(ScopeGroup(scope: itemScope, items: [item]))
                scopeIndex[r, default: [:]][itemScope] = groups[r].scopes.count - 1
            }
        }
        return groups
    }
}
