import Foundation
import LumenModel

/// OTLP/JSON differs from protobuf's canonical JSON in one way that matters: trace and span IDs are hex
/// strings, not base64. Rather than rewrite the JSON text, Lumen lets swift-protobuf's JSON codec do all the
/// parsing and fixes the ID fields of the decoded message.
///
/// This works because the hex digits are also base64 characters: 32 hex digits read as base64 are 24 bytes,
/// 16 hex digits are 12 bytes, and those lengths re-encode to exactly the same text. A genuine base64 ID
/// (16 or 8 bytes) has other lengths, so the two forms cannot be confused and both are accepted.
enum OTLPJSON {
    /// After JSON decoding: turns an ID that arrived as hex back into its bytes; anything else is returned
    /// unchanged (a base64 ID, an empty field, or a wrong length the mapping will reject).
    static func decodedID(_ data: Data, byteCount: Int) -> Data {
        guard data.count == byteCount * 3 / 2,
            let bytes = HexCoding.decode(data.base64EncodedString()), bytes.count == byteCount
        else { return data }
        return Data(bytes)
    }

    /// Before JSON encoding: the bytes whose base64 form is the ID's hex form.
    static func encodedID(_ data: Data) -> Data {
        guard data.count == 16 || data.count == 8 else { return data }
        return Data(base64Encoded: HexCoding.encode(data)) ?? data
    }

    static func fixIDs(_ request: inout OTLPTraceRequest, _ transform: (Data, Int) -> Data) {
        for r in request.resourceSpans.indices {
            for s in request.resourceSpans[r].scopeSpans.indices {
                for i in request.resourceSpans[r].scopeSpans[s].spans.indices {
                    request.resourceSpans[r].scopeSpans[s].spans[i].fixIDs(transform)
                }
            }
        }
    }

    static func fixIDs(_ request: inout OTLPLogsRequest, _ transform: (Data, Int) -> Data) {
        for r in request.resourceLogs.indices {
            for s in request.resourceLogs[r].scopeLogs.indices {
                for i in request.resourceLogs[r].scopeLogs[s].logRecords.indices {
                    let record = request.resourceLogs[r].scopeLogs[s].logRecords[i]
                    if !record.traceID.isEmpty {
                        request.resourceLogs[r].scopeLogs[s].logRecords[i].traceID = transform(record.traceID, 16)
                    }
                    if !record.spanID.isEmpty {
                        request.resourceLogs[r].scopeLogs[s].logRecords[i].spanID = transform(record.spanID, 8)
                    }
                }
            }
        }
    }

    /// The IDs of metric exemplars, wherever data points carry them.
    static func fixIDs(_ request: inout OTLPMetricsRequest, _ transform: (Data, Int) -> Data) {
        for r in request.resourceMetrics.indices {
            for s in request.resourceMetrics[r].scopeMetrics.indices {
                for m in request.resourceMetrics[r].scopeMetrics[s].metrics.indices {
                    request.resourceMetrics[r].scopeMetrics[s].metrics[m].fixExemplarIDs(transform)
                }
            }
        }
    }
}

extension OTelMetric {
    fileprivate mutating func fixExemplarIDs(_ transform: (Data, Int) -> Data) {
        func fix(_ exemplars: inout [OTelExemplar]) {
            for e in exemplars.indices {
                if !exemplars[e].traceID.isEmpty { exemplars[e].traceID = transform(exemplars[e].traceID, 16) }
                if !exemplars[e].spanID.isEmpty { exemplars[e].spanID = transform(exemplars[e].spanID, 8) }
            }
        }
        switch data {
        case .gauge(var gauge):
            for p in gauge.dataPoints.indices { fix(&gauge.dataPoints[p].exemplars) }
            data = .gauge(gauge)
        case .sum(var sum):
            for p in sum.dataPoints.indices { fix(&sum.dataPoints[p].exemplars) }
            data = .sum(sum)
        case .histogram(var histogram):
            for p in histogram.dataPoints.indices { fix(&histogram.dataPoints[p].exemplars) }
            data = .histogram(histogram)
        case .exponentialHistogram(var histogram):
            for p in histogram.dataPoints.indices { fix(&histogram.dataPoints[p].exemplars) }
            data = .exponentialHistogram(histogram)
        case .summary, nil:
            break
        }
    }
}

extension OTelSpan {
    fileprivate mutating func fixIDs(_ transform: (Data, Int) -> Data) {
        traceID = transform(traceID, 16)
        spanID = transform(spanID, 8)
        if !parentSpanID.isEmpty { parentSpanID = transform(parentSpanID, 8) }
        for l in links.indices {
            links[l].traceID = transform(links[l].traceID, 16)
            links[l].spanID = transform(links[l].spanID, 8)
        }
    }
}
