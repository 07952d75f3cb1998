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
/// - Metadata (TYPE/HELP/UNIT of a metric family) goes into the batch's `metadata`; an entry without a family
///   name is dropped, an unknown type reads as `unknown`.
/// - Series already seen are recognized by their label bytes (`SeriesLabelsCache`), so one decoder serves a
///   whole receiver.
public final class RemoteWriteDecoder: Sendable {
    private let seen: SeriesLabelsCache

    /// `cachedSeries` bounds each of the label cache's two generations.
    public init(cachedSeries: Int = 100_000) {
        seen = SeriesLabelsCache(capacity: cachedSeries)
    }

    /// Entries in the label cache's two generations: a series moved up from the older one counts in both until
    /// the older is dropped.
    public var cachedSeries: Int { seen.count }

    /// `limit` bounds the *decompressed* size and is checked before decompressing (see `Snappy`).
    public func decode(_ body: [UInt8], tenant: Tenant, limit: Int) throws(WireError) -> DecodeResult {
        let bytes = try Snappy.decompress(body, limit: limit)
        do {
            return try bytes.withUnsafeBufferPointer { buffer throws(ProtobufWireReader.Malformed) in
                try map(RemoteWriteWire.request(in: buffer), in: buffer, tenant: tenant)
            }
        } catch {
            throw .malformed("body is not a valid remote write 1.0 prometheus.WriteRequest: \(error.message)")
        }
    }

    private func map(_ request: RemoteWriteWire.Request, in buffer: UnsafeBufferPointer<UInt8>, tenant: Tenant)
        throws(ProtobufWireReader.Malformed) -> DecodeResult
    {
        let keys = request.series.map { series in series.labelFields.map { SeriesLabelsCache.Key($0, in: buffer) } }
        let known = seen.labels(for: keys, in: buffer)
        var learned: [(key: SeriesLabelsCache.Key, labels: Labels)] = []
        var rejections = Rejections()
        var entries: [TimeSeries] = []
        entries.reserveCapacity(request.series.count)
        for (i, wire) in request.series.enumerated() {
            let labels: Labels
            if let hit = known[i] {
                labels = hit
            } else {
                switch LabelValidation.seriesLabels(try RemoteWriteWire.labels(of: wire, in: buffer)) {
                case .success(let valid):
                    labels = valid
                    if let key = keys[i] { learned.append((key, valid)) }
                case .failure(let error):
                    rejections.reject(
                        "timeseries[\(i)]: \(error.message)", items: max(1, wire.samples.count + wire.exemplars.count))
                    continue
                }
            }
            var samples: [Sample] = []
            samples.reserveCapacity(wire.samples.count)
            for s in wire.samples {
                let sample = request.samples[s]
                guard let timestamp = Self.nanoseconds(sample.milliseconds) else {
                    rejections.reject(
                        "timeseries[\(i)] (\(labels)).samples[\(s - wire.samples.lowerBound)]: timestamp "
                            + "\(sample.milliseconds) ms is out of range")
                    continue
                }
                samples.append(Sample(timestamp: timestamp, value: sample.value))
            }
            var exemplars: [Exemplar] = []
            for (e, wire) in wire.exemplars.enumerated() {
                let path = "timeseries[\(i)] (\(labels)).exemplars[\(e)]"
                if let bad = wire.labels.first(where: { !LabelValidation.isValidLabelName($0.name) }) {
                    rejections.reject("\(path): invalid label name \"\(bad.name)\"")
                    continue
                }
                guard let timestamp = Self.nanoseconds(wire.milliseconds) else {
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
                exemplars.append(exemplar)
            }
            if !samples.isEmpty || !exemplars.isEmpty {
                entries.append(TimeSeries(labels: labels, samples: samples, exemplars: exemplars))
            }
        }
        seen.remember(learned, in: buffer)
        return DecodeResult(
            batch: Batch(
                tenant: tenant, series: SeriesBuilder.merging(entries),
                metadata: request.metadata.compactMap(Self.metadata)),
            rejected: rejections.count,
            rejectionMessage: rejections.message(noun: "samples"))
    }

    private static let metadataTypes: [MetricMetadata.MetricType] = [
        .unknown, .counter, .gauge, .histogram, .gaugehistogram, .summary, .info, .stateset,
    ]

    private static func metadata(_ wire: RemoteWriteWire.Metadata) -> MetricMetadata? {
        guard !wire.family.isEmpty else { return nil }
        let type = wire.type < metadataTypes.count ? metadataTypes[Int(wire.type)] : .unknown
        return MetricMetadata(metric: wire.family, type: type, unit: wire.unit, help: wire.help)
    }

    /// Milliseconds → nanoseconds; `nil` past the year 2262 (or before 1677).
    private static func nanoseconds(_ milliseconds: Int64) -> Int64? {
        let (result, overflow) = milliseconds.multipliedReportingOverflow(by: Timestamp.nanosecondsPerMillisecond)
        return overflow ? nil : result
    }
}
