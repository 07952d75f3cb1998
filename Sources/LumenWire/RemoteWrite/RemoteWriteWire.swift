/// A `prometheus.WriteRequest` read straight from its bytes (`types.proto`, `remote.proto`): each time series'
/// labels, samples and exemplars, and the metric families' metadata, as sent, nothing validated yet. Fields Lumen
/// does not use (native histograms, unknown ones) are skipped.
///
/// Hand-written because remote write is the hottest ingest path and swift-protobuf's generic decoding was a
/// quarter of the receiver's CPU (docs/BENCHMARKS.md); the tests check it against swift-protobuf's encoder.
enum RemoteWriteWire {
    /// A request's series and, in one flat array, all their samples (one allocation a request, not one a series).
    struct Request {
        var series: [Series] = []
        var samples: [(value: Double, milliseconds: Int64)] = []
        /// `MetricMetadata` entries: Prometheus sends them in requests of their own, every minute by default.
        var metadata: [Metadata] = []
    }

    /// One `MetricMetadata`: `type` is the wire enum (0 unknown, 1 counter, 2 gauge, 3 histogram,
    /// 4 gauge histogram, 5 summary, 6 info, 7 state set).
    struct Metadata {
        var type: UInt64 = 0
        var family = ""
        var help = ""
        var unit = ""
    }

    /// One `TimeSeries` entry. Its labels are left on the wire until asked for (`labels(of:in:)`): a series the
    /// receiver already knows is recognized by their bytes alone (`SeriesLabelsCache`).
    struct Series {
        /// The entry's bytes.
        var message: Range<Int>
        /// The label fields' bytes, when they come one after another as every sender writes them; `nil` when the
        /// entry has none or another field comes between two of them.
        var labelFields: Range<Int>?
        /// Its samples, in `Request.samples`.
        var samples: Range<Int>
        var exemplars: [Exemplar] = []
    }

    struct Exemplar {
        var labels: [(name: String, value: String)] = []
        var value: Double = 0
        var milliseconds: Int64 = 0
    }

    /// Field numbers, as `types.proto` and `remote.proto` give them.
    private enum Field {
        static let requestTimeseries: UInt64 = 1, requestMetadata: UInt64 = 3
        static let metadataType: UInt64 = 1, metadataFamily: UInt64 = 2, metadataHelp: UInt64 = 4
        static let metadataUnit: UInt64 = 5
        static let seriesLabels: UInt64 = 1, seriesSamples: UInt64 = 2, seriesExemplars: UInt64 = 3
        static let labelName: UInt64 = 1, labelValue: UInt64 = 2
        static let sampleValue: UInt64 = 1, sampleTimestamp: UInt64 = 2
        static let exemplarLabels: UInt64 = 1, exemplarValue: UInt64 = 2, exemplarTimestamp: UInt64 = 3
    }

    static func request(in buffer: UnsafeBufferPointer<UInt8>) throws(ProtobufWireReader.Malformed) -> Request {
        var reader = ProtobufWireReader(buffer)
        var request = Request()
        while let (number, type) = try reader.nextField() {
            switch number {
            case Field.requestTimeseries:
                try ProtobufWireReader.expect(type, .lengthDelimited, field: "timeseries")
                var message = try reader.embedded()
                request.series.append(try series(&message, samples: &request.samples))
            case Field.requestMetadata:
                try ProtobufWireReader.expect(type, .lengthDelimited, field: "metadata")
                var message = try reader.embedded()
                request.metadata.append(try metadata(&message))
            default:
                try reader.skip(type)
            }
        }
        return request
    }

    /// A series' labels as sent: names and values checked as UTF-8 only.
    static func labels(of series: Series, in buffer: UnsafeBufferPointer<UInt8>) throws(ProtobufWireReader.Malformed)
        -> [(name: String, value: String)]
    {
        var message = ProtobufWireReader(buffer, range: series.labelFields ?? series.message)
        var labels: [(name: String, value: String)] = []
        while var label = try message.nextEmbedded(Field.seriesLabels, field: "labels") {
            labels.append(try self.label(&label))
        }
        return labels
    }

    private static func series(
        _ message: inout ProtobufWireReader, samples: inout [(value: Double, milliseconds: Int64)]
    ) throws(ProtobufWireReader.Malformed) -> Series {
        var series = Series(message: message.unread, samples: samples.count..<samples.count)
        var labelsInterrupted = false
        var fieldStart = message.unread.lowerBound
        while let (number, type) = try message.nextField() {
            switch number {
            case Field.seriesLabels:
                try ProtobufWireReader.expect(type, .lengthDelimited, field: "labels")
                _ = try message.embedded()
                let fieldEnd = message.unread.lowerBound
                if let fields = series.labelFields, fields.upperBound == fieldStart {
                    series.labelFields = fields.lowerBound..<fieldEnd
                } else if series.labelFields == nil, !labelsInterrupted {
                    series.labelFields = fieldStart..<fieldEnd
                } else {
                    labelsInterrupted = true
                    series.labelFields = nil
                }
            case Field.seriesSamples:
                try ProtobufWireReader.expect(type, .lengthDelimited, field: "samples")
                var sample = try message.embedded()
                samples.append(try self.sample(&sample))
            case Field.seriesExemplars:
                try ProtobufWireReader.expect(type, .lengthDelimited, field: "exemplars")
                var exemplar = try message.embedded()
                series.exemplars.append(try self.exemplar(&exemplar))
            default:
                try message.skip(type)
            }
            fieldStart = message.unread.lowerBound
        }
        series.samples = series.samples.lowerBound..<samples.count
        return series
    }

    private static func label(_ message: inout ProtobufWireReader) throws(ProtobufWireReader.Malformed)
        -> (name: String, value: String)
    {
        var label = (name: "", value: "")
        while let (number, type) = try message.nextField() {
            switch number {
            case Field.labelName:
                try ProtobufWireReader.expect(type, .lengthDelimited, field: "name")
                label.name = try message.string()
            case Field.labelValue:
                try ProtobufWireReader.expect(type, .lengthDelimited, field: "value")
                label.value = try message.string()
            default:
                try message.skip(type)
            }
        }
        return label
    }

    private static func sample(_ message: inout ProtobufWireReader) throws(ProtobufWireReader.Malformed)
        -> (value: Double, milliseconds: Int64)
    {
        var sample = (value: 0.0, milliseconds: Int64(0))
        while let (number, type) = try message.nextField() {
            switch number {
            case Field.sampleValue:
                try ProtobufWireReader.expect(type, .fixed64, field: "value")
                sample.value = Double(bitPattern: try message.fixed64())
            case Field.sampleTimestamp:
                try ProtobufWireReader.expect(type, .varint, field: "timestamp")
                sample.milliseconds = Int64(bitPattern: try message.varint())
            default:
                try message.skip(type)
            }
        }
        return sample
    }

    private static func metadata(_ message: inout ProtobufWireReader) throws(ProtobufWireReader.Malformed) -> Metadata {
        var metadata = Metadata()
        while let (number, type) = try message.nextField() {
            switch number {
            case Field.metadataType:
                try ProtobufWireReader.expect(type, .varint, field: "type")
                metadata.type = try message.varint()
            case Field.metadataFamily:
                try ProtobufWireReader.expect(type, .lengthDelimited, field: "metric_family_name")
                metadata.family = try message.string()
            case Field.metadataHelp:
                try ProtobufWireReader.expect(type, .lengthDelimited, field: "help")
                metadata.help = try message.string()
            case Field.metadataUnit:
                try ProtobufWireReader.expect(type, .lengthDelimited, field: "unit")
                metadata.unit = try message.string()
            default:
                try message.skip(type)
            }
        }
        return metadata
    }

    private static func exemplar(_ message: inout ProtobufWireReader) throws(ProtobufWireReader.Malformed) -> Exemplar {
        var exemplar = Exemplar()
        while let (number, type) = try message.nextField() {
            switch number {
            case Field.exemplarLabels:
                try ProtobufWireReader.expect(type, .lengthDelimited, field: "labels")
                var label = try message.embedded()
                exemplar.labels.append(try self.label(&label))
            case Field.exemplarValue:
                try ProtobufWireReader.expect(type, .fixed64, field: "value")
                exemplar.value = Double(bitPattern: try message.fixed64())
            case Field.exemplarTimestamp:
                try ProtobufWireReader.expect(type, .varint, field: "timestamp")
                exemplar.milliseconds = Int64(bitPattern: try message.varint())
            default:
                try message.skip(type)
            }
        }
        return exemplar
    }
}
