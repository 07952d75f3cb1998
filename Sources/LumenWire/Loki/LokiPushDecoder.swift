import Foundation
import LumenModel
import SwiftProtobuf

/// Decodes Loki push bodies (`POST /loki/api/v1/push`) into log records. Pure and thread-safe.
///
/// Two forms, chosen by `Content-Type` (parameters ignored), as Loki does:
/// - `application/json`: the JSON form, already un-gzipped by the caller (`ContentEncoding`);
/// - `application/x-protobuf` (or none): a snappy block holding a `logproto.PushRequest`.
///
/// `limit` bounds the decompressed body. A body that cannot be parsed throws `.malformed`; a stream whose
/// labels are invalid, or an entry whose timestamp is not a nanosecond count, is refused and counted in
/// `rejected` while the rest is kept. See `LokiStreamMapping` for how labels and metadata map.
public enum LokiPushDecoder {
    public static func decode(
        _ body: [UInt8], contentType: String, tenant: Tenant, receivedAt: Int64, limit: Int
    ) throws(WireError) -> DecodeResult {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map(String.init)?
            .trimmingWhitespace().lowercased() ?? ""
        switch mediaType {
        case "application/json":
            guard body.count <= limit else {
                throw .tooLarge("request body is \(body.count) bytes, over the limit of \(limit) bytes")
            }
            return try decodeJSON(body, tenant: tenant, receivedAt: receivedAt)
        case "application/x-protobuf", "":
            let bytes = try Snappy.decompress(body, limit: limit)
            let request: Logproto_PushRequest
            do {
                request = try Logproto_PushRequest(serializedBytes: bytes)
            } catch {
                throw .malformed("body is not a valid Loki logproto.PushRequest: \(error)")
            }
            try WireTypeCheck.check(request, name: "body (Loki logproto.PushRequest)")
            return map(request, tenant: tenant, receivedAt: receivedAt)
        default:
            throw WireError(
                .unsupportedMediaType,
                "Content-Type \"\(contentType)\" is not supported for Loki push; use application/json or "
                    + "application/x-protobuf (snappy-compressed)")
        }
    }

    /// Maps an already parsed protobuf request.
    public static func map(_ request: Logproto_PushRequest, tenant: Tenant, receivedAt: Int64) -> DecodeResult {
        var rejections = Rejections()
        var logs: [LogRecord] = []
        for (s, stream) in request.streams.enumerated() {
            let mapping: LokiStreamMapping
            do {
                mapping = LokiStreamMapping(labels: try LokiLabelParser.parse(stream.labels))
            } catch {
                rejections.reject("streams[\(s)]: \(error.message)", items: max(1, stream.entries.count))
                continue
            }
            logs.reserveCapacity(logs.count + stream.entries.count)
            for (e, entry) in stream.entries.enumerated() {
                let timestamp = entry.timestamp
                let (scaled, overflow) = timestamp.seconds.multipliedReportingOverflow(by: Timestamp.nanosecondsPerSecond)
                let (time, overflow2) = scaled.addingReportingOverflow(Int64(timestamp.nanos))
                guard entry.hasTimestamp, !overflow, !overflow2 else {
                    let reason = entry.hasTimestamp ? "is out of range" : "is missing"
                    rejections.reject("streams[\(s)].entries[\(e)]: timestamp \(reason)")
                    continue
                }
                logs.append(
                    mapping.record(
                        time: time, line: entry.line,
                        metadata: entry.structuredMetadata.map { ($0.name, $0.value) }, receivedAt: receivedAt))
            }
        }
        return DecodeResult(
            batch: Batch(tenant: tenant, logs: logs), rejected: rejections.count,
            rejectionMessage: rejections.message(noun: "log entries"))
    }

    private static func decodeJSON(_ body: [UInt8], tenant: Tenant, receivedAt: Int64) throws(WireError) -> DecodeResult {
        let push: LokiPushJSON
        do {
            push = try JSONDecoder().decode(LokiPushJSON.self, from: Data(body))
        } catch {
            throw .malformed("body is not a valid Loki push JSON: \(JSONErrorText.describe(error))")
        }
        var rejections = Rejections()
        var logs: [LogRecord] = []
        for (s, stream) in push.streams.enumerated() {
            // JSON objects have no order; sorted names make the resource's attributes deterministic.
            let labels = (stream.stream ?? [:]).sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
            if let bad = labels.first(where: { !LabelValidation.isValidLabelName($0.name) }) {
                rejections.reject(
                    "streams[\(s)].stream: invalid label name \"\(bad.name)\"", items: max(1, stream.values.count))
                continue
            }
            let mapping = LokiStreamMapping(labels: labels)
            logs.reserveCapacity(logs.count + stream.values.count)
            for (e, entry) in stream.values.enumerated() {
                guard let time = Int64(entry.timestamp) else {
                    rejections.reject(
                        "streams[\(s)].values[\(e)][0]: timestamp \(entry.timestamp.debugDescription) is not an "
                            + "integer count of nanoseconds since the epoch")
                    continue
                }
                let metadata = entry.metadata.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
                logs.append(mapping.record(time: time, line: entry.line, metadata: metadata, receivedAt: receivedAt))
            }
        }
        return DecodeResult(
            batch: Batch(tenant: tenant, logs: logs), rejected: rejections.count,
            rejectionMessage: rejections.message(noun: "log entries"))
    }
}
