import LumenModel

/// Decodes Prometheus remote write 1.0 bodies (`POST /api/v1/write`, `Content-Type: application/x-protobuf`,
/// `Content-Encoding: snappy`): a snappy block holding a `prometheus.WriteRequest`, read by `RemoteWriteWire`.
/// Pure and thread-safe.
///
/// - Timestamps are milliseconds on the wire and nanoseconds in the model.
/// - Sample values keep their exact bits (the stale marker NaN included).
/// - A series with an empty or missing `__name__`, an invalid label name or a repeated label name is refused
///   as a whole (its samples counted in `rejected`); the other series are kept.
/// - Samples of the same series sent in several `TimeSeries` entries are merged, in order.
/// - Exemplars stay with their series; one whose labels exceed `Exemplar.maxLabelRunes` is refused.
/// - Metadata (HELP/TYPE/UNIT) is parsed and ignored.
public enum RemoteWriteDecoder {
    /// `limit` bounds the *decompressed* size and is checked before decompressing (see `Snappy`).
    public static func decode(_ body: [UInt8], tenant: Tenant, limit: Int) throws(WireError) -> RemoteWriteResult {
        let bytes = try Snappy.decompress(body, limit: limit)
        let request: [RemoteWriteWire.Series]
        do {
            request = try RemoteWriteWire.series(in: bytes)
        } catch {
            throw .malformed("body is not a valid remote write 1.0 prometheus.WriteRequest: \(error.message)")
        }
        return map(request, tenant: tenant)
    }

    private static func map(_ request: [RemoteWriteWire.Series], tenant: Tenant) -> RemoteWriteResult {
        var rejections = Rejections()
        var builder = SeriesBuilder()
        for (i, wire) in request.enumerated() {
            let labels: Labels
            switch LabelValidation.seriesLabels(wire.labels) {
            case .success(let valid): labels = valid
            case .failure(let error):
                rejections.reject(
                    "timeseries[\(i)]: \(error.message)", items: max(1, wire.samples.count + wire.exemplars.count))
                continue
            }
            for (s, sample) in wire.samples.enumerated() {
                guard let timestamp = nanoseconds(sample.milliseconds) else {
                    rejections.reject(
                        "timeseries[\(i)] (\(labels)).samples[\(s)]: timestamp \(sample.milliseconds) ms is out of range")
                    continue
                }
                builder.append(labels, Sample(timestamp: timestamp, value: sample.value))
            }
            for (e, wire) in wire.exemplars.enumerated() {
                let path = "timeseries[\(i)] (\(labels)).exemplars[\(e)]"
                if let bad = wire.labels.first(where: { !LabelValidation.isValidLabelName($0.name) }) {
                    rejections.reject("\(path): invalid label name \"\(bad.name)\"")
                    continue
                }
                guard let timestamp = nanoseconds(wire.milliseconds) else {
                    rejections.reject("\(path): timestamp \(wire.milliseconds) ms is out of range")
                    continue
                }
                let exemplar = Exemplar(
                    labels: Labels(wire.labels.map { Label($0.name, $0.value) }), timestamp: timestamp,
                    value: wire.value)
                guard exemplar.labelRunes <= Exemplar.maxLabelRunes else {
                    rejections.reject(
                        "\(path): labels of \(exemplar.labelRunes) characters exceed the limit of \(Exemplar.maxLabelRunes)")
                    continue
                }
                builder.append(labels, exemplar)
            }
        }
        return RemoteWriteResult(
            batch: Batch(tenant: tenant, series: builder.series), rejected: rejections.count,
            rejectionMessage: rejections.message(noun: "samples"))
    }

    /// Milliseconds → nanoseconds; `nil` past the year 2262 (or before 1677).
    private static func nanoseconds(_ milliseconds: Int64) -> Int64? {
        let (result, overflow) = milliseconds.multipliedReportingOverflow(by: Timestamp.nanosecondsPerMillisecond)
        return overflow ? nil : result
    }
}
