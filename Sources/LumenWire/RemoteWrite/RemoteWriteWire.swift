/// A `prometheus.WriteRequest` read straight from its bytes (`types.proto`, `remote.proto`): each time series'
/// labels, samples and exemplars as sent, nothing validated yet. Fields Lumen does not use (metadata, native
/// histograms, unknown ones) are skipped.
///
/// Hand-written because remote write is the hottest ingest path and swift-protobuf's generic decoding was a
/// quarter of the receiver's CPU (docs/BENCHMARKS.md); the tests check it against swift-protobuf's encoder.
enum RemoteWriteWire {
    struct Series {
        var labels: [(name: String, value: String)] = []
        var samples: [(value: Double, milliseconds: Int64)] = []
        var exemplars: [Exemplar] = []
    }

    struct Exemplar {
        var labels: [(name: String, value: String)] = []
        var value: Double = 0
        var milliseconds: Int64 = 0
    }

    /// Field numbers, as `types.proto` and `remote.proto` give them.
    private enum Field {
        static let requestTimeseries: UInt64 = 1
        static let seriesLabels: UInt64 = 1, seriesSamples: UInt64 = 2, seriesExemplars: UInt64 = 3
        static let labelName: UInt64 = 1, labelValue: UInt64 = 2
        static let sampleValue: UInt64 = 1, sampleTimestamp: UInt64 = 2
        static let exemplarLabels: UInt64 = 1, exemplarValue: UInt64 = 2, exemplarTimestamp: UInt64 = 3
    }

    static func series(in bytes: [UInt8]) throws(ProtobufWireReader.Malformed) -> [Series] {
        do {
            return try bytes.withUnsafeBufferPointer { buffer in
                var request = ProtobufWireReader(buffer)
                var series: [Series] = []
                while let (number, type) = try request.nextField() {
                    guard number == Field.requestTimeseries else {
                        try request.skip(type)
                        continue
                    }
                    try ProtobufWireReader.expect(type, .lengthDelimited, field: "timeseries")
                    var message = try request.embedded()
                    series.append(try self.series(&message))
                }
                return series
            }
        } catch let error as ProtobufWireReader.Malformed {
            throw error
        } catch {
            throw ProtobufWireReader.Malformed(message: "\(error)")
        }
    }

    private static func series(_ message: inout ProtobufWireReader) throws(ProtobufWireReader.Malformed) -> Series {
        var series = Series()
        while let (number, type) = try message.nextField() {
            switch number {
            case Field.seriesLabels:
                try ProtobufWireReader.expect(type, .lengthDelimited, field: "labels")
                var label = try message.embedded()
                series.labels.append(try self.label(&label))
            case Field.seriesSamples:
                try ProtobufWireReader.expect(type, .lengthDelimited, field: "samples")
                var sample = try message.embedded()
                series.samples.append(try self.sample(&sample))
            case Field.seriesExemplars:
                try ProtobufWireReader.expect(type, .lengthDelimited, field: "exemplars")
                var exemplar = try message.embedded()
                series.exemplars.append(try self.exemplar(&exemplar))
            default:
                try message.skip(type)
            }
        }
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
