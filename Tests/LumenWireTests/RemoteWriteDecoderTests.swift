import LumenModel
import LumenWire
import SwiftProtobuf
import Testing

struct RemoteWriteDecoderTests {
    private static let limit = 1 << 20

    private func label(_ name: String, _ value: String) -> Prometheus_Label {
        .with {
            $0.name = name
            $0.value = value
        }
    }

    private func series(_ labels: [(String, String)], samples: [(Int64, Double)]) -> Prometheus_TimeSeries {
        .with { series in
            series.labels = labels.map { label($0.0, $0.1) }
            series.samples = samples.map { sample in
                .with {
                    $0.timestamp = sample.0
                    $0.value = sample.1
                }
            }
        }
    }

    private func body(_ series: [Prometheus_TimeSeries]) throws -> [UInt8] {
        let request = Prometheus_WriteRequest.with { $0.timeseries = series }
        return Snappy.compress(try request.serializedBytes())
    }

    private func decode(_ series: [Prometheus_TimeSeries]) throws -> RemoteWriteResult {
        try RemoteWriteDecoder().decode(try body(series), tenant: Fixtures.tenant, limit: Self.limit)
    }

    private func failure(_ body: [UInt8], limit: Int = limit) -> WireError? {
        do {
            _ = try RemoteWriteDecoder().decode(body, tenant: Fixtures.tenant, limit: limit)
            return nil
        } catch {
            return error
        }
    }

    @Test func seriesMapToSortedLabelsAndNanosecondSamples() throws {
        let result = try decode([
            series(
                [("job", "api"), ("__name__", "http_requests_total"), ("code", "200")],
                samples: [(1_700_000_000_000, 5), (1_700_000_015_000, 7.5)])
        ])
        #expect(result.batch.tenant == Fixtures.tenant)
        #expect(result.rejected == 0)
        #expect(result.rejectionMessage == "")
        #expect(
            result.batch.series == [
                TimeSeries(
                    labels: Labels(["__name__": "http_requests_total", "code": "200", "job": "api"]),
                    samples: [
                        Sample(timestamp: 1_700_000_000_000_000_000, value: 5),
                        Sample(timestamp: 1_700_000_015_000_000_000, value: 7.5),
                    ])
            ])
    }

    @Test func staleMarkersAndSpecialValuesKeepTheirBits() throws {
        let stale = Double(bitPattern: Sample.staleMarkerBits)
        let result = try decode([
            series([("__name__", "up")], samples: [(1, stale), (2, .infinity), (3, -0.0), (4, .nan)])
        ])
        let values = try #require(result.batch.series.first).samples.map(\.value.bitPattern)
        #expect(values == [Sample.staleMarkerBits, Double.infinity.bitPattern, (-0.0).bitPattern, Double.nan.bitPattern])
        #expect(result.batch.series[0].samples[0].isStaleMarker)
    }

    @Test func entriesOfTheSameSeriesAreMerged() throws {
        let result = try decode([
            series([("__name__", "up"), ("job", "a")], samples: [(1000, 1)]),
            series([("__name__", "up"), ("job", "b")], samples: [(1000, 0)]),
            series([("job", "a"), ("__name__", "up")], samples: [(2000, 1)]),
        ])
        #expect(result.batch.series.count == 2)
        #expect(result.batch.series[0].samples.map(\.timestamp) == [1_000_000_000, 2_000_000_000])
    }

    @Test func anEntryWithOnlyAnExemplarMergesIntoTheSeriesFirstSeen() throws {
        var exemplarOnly = series([("job", "a"), ("__name__", "up")], samples: [])
        exemplarOnly.exemplars = [
            .with {
                $0.labels = [label("trace_id", "5b8efff798038103d269b633813fc60c")]
                $0.value = 1
                $0.timestamp = 1500
            }
        ]
        let result = try decode([
            series([("__name__", "up"), ("job", "b")], samples: [(1000, 0)]),
            series([("__name__", "up"), ("job", "a")], samples: [(1000, 1)]),
            exemplarOnly,
            series([("__name__", "up"), ("job", "a")], samples: [(2000, 1)]),
        ])
        #expect(result.batch.series.map { $0.labels["job"] } == ["b", "a"])
        #expect(result.batch.series[1].samples.map(\.timestamp) == [1_000_000_000, 2_000_000_000])
        #expect(result.batch.series[1].exemplars.map(\.timestamp) == [1_500_000_000])
    }

    @Test func invalidSeriesAreRefusedAndTheRestKept() throws {
        let result = try decode([
            series([("job", "a")], samples: [(1, 1), (2, 2)]),
            series([("__name__", "up"), ("job", "a"), ("job", "b")], samples: [(1, 1)]),
            series([("__name__", "up"), ("bad-name", "x")], samples: [(1, 1)]),
            series([("__name__", "")], samples: [(1, 1)]),
            series([("__name__", "up"), ("job", "ok")], samples: [(1, 1)]),
        ])
        #expect(result.batch.series.map(\.labels) == [Labels(["__name__": "up", "job": "ok"])])
        #expect(result.rejected == 5)
        #expect(result.rejectionMessage.hasPrefix("rejected 5 samples: timeseries[0]: series has no __name__ label"))
        #expect(result.rejectionMessage.contains("timeseries[1]: duplicate label name \"job\""))
        #expect(result.rejectionMessage.contains("timeseries[2]: invalid label name \"bad-name\""))
        #expect(result.rejectionMessage.contains("timeseries[3]: series has no __name__"))
    }

    @Test func aTimestampPastTheModelsRangeRefusesThatSampleOnly() throws {
        let result = try decode([series([("__name__", "up")], samples: [(Int64.max / 10, 1), (5, 2)])])
        #expect(result.rejected == 1)
        #expect(result.rejectionMessage.contains("samples[0]: timestamp"))
        #expect(result.batch.series[0].samples == [Sample(timestamp: 5_000_000, value: 2)])
    }

    @Test func exemplarsAreReturnedWithTheirSeries() throws {
        var wire = series([("__name__", "latency_seconds_bucket"), ("le", "0.5")], samples: [(1000, 3)])
        wire.exemplars = [
            .with {
                $0.labels = [label("trace_id", "5b8efff798038103d269b633813fc60c")]
                $0.value = 0.42
                $0.timestamp = 999
            }
        ]
        let result = try decode([wire])
        #expect(
            result.batch.series[0].exemplars == [
                Exemplar(
                    labels: Labels(["trace_id": "5b8efff798038103d269b633813fc60c"]), timestamp: 999_000_000,
                    value: 0.42)
            ])
    }

    @Test func exemplarsWithoutSamplesKeepTheirSeriesAndOversizedOnesAreRefused() throws {
        var wire = series([("__name__", "latency_seconds_bucket"), ("le", "+Inf")], samples: [])
        wire.exemplars = [
            .with {
                $0.labels = [label("trace_id", "5b8efff798038103d269b633813fc60c")]
                $0.value = 7
                $0.timestamp = 5
            },
            .with {
                $0.labels = [label("comment", String(repeating: "x", count: 130))]
                $0.value = 8
                $0.timestamp = 6
            },
        ]
        let result = try decode([wire])
        #expect(result.batch.series.count == 1)
        #expect(result.batch.series[0].samples.isEmpty)
        #expect(result.batch.series[0].exemplars.map(\.value) == [7])
        #expect(result.rejected == 1)
        #expect(result.rejectionMessage.contains("exemplars[1]: labels of 137 characters exceed the limit of 128"))
    }

    @Test func metadataIsAcceptedAndIgnored() throws {
        let request = Prometheus_WriteRequest.with {
            $0.timeseries = [series([("__name__", "up")], samples: [(1, 1)])]
            $0.metadata = [
                .with {
                    $0.type = .gauge
                    $0.metricFamilyName = "up"
                    $0.help = "Whether the target is up."
                }
            ]
        }
        let result = try RemoteWriteDecoder().decode(
            Snappy.compress(try request.serializedBytes()), tenant: Fixtures.tenant, limit: Self.limit)
        #expect(result.batch.sampleCount == 1)
    }

    @Test func garbageInsideValidSnappyIsMalformed() throws {
        let error = try #require(failure(Snappy.compress([0x0a, 0x64, 0x01, 0x02])))
        #expect(error.kind == .malformed)
        #expect(error.message.contains("prometheus.WriteRequest"))
    }

    @Test func anUncompressedBodyIsMalformed() throws {
        let raw = try Prometheus_WriteRequest.with { $0.timeseries = [series([("__name__", "up")], samples: [(1, 1)])] }
            .serializedBytes() as [UInt8]
        #expect(failure(raw)?.kind == .malformed)
    }

    @Test func aBodyThatDecompressesOverTheLimitIsTooLarge() throws {
        let big = try body((0..<2000).map { series([("__name__", "metric_\($0)")], samples: [(1, 1)]) })
        #expect(failure(big, limit: 1000)?.kind == .tooLarge)
    }

    @Test func invalidUTF8InALabelIsMalformed() throws {
        // Label{name="a", value=0xff}: protobuf strings must be UTF-8.
        let label: [UInt8] = [0x0a, 0x01, 0x61, 0x12, 0x01, 0xff]
        let series: [UInt8] = [0x0a, UInt8(label.count)] + label
        let request: [UInt8] = [0x0a, UInt8(series.count)] + series
        #expect(failure(Snappy.compress(request))?.kind == .malformed)
    }

    /// The hand-written reader against swift-protobuf's encoder: every field, in any order the encoder writes,
    /// unknown fields (a native histogram, field 4 of a TimeSeries) skipped, every value's bits kept.
    @Test func theWireReaderReadsWhatSwiftProtobufWrites() throws {
        var wire = series(
            [("__name__", "rpc_seconds_bucket"), ("job", "ünïcode ✓"), ("le", "+Inf")],
            samples: [(-5, .nan), (Int64.max / 1_000_000, -0.0), (0, Double(bitPattern: 0x7ff0_0000_0000_0002))])
        wire.exemplars = [.with {
            $0.labels = [label("trace_id", "abc")]
            $0.value = 1.5
            $0.timestamp = -3
        }]
        // TimeSeries field 4 (a native histogram to Prometheus), kept by swift-protobuf as an unknown field.
        wire = try Prometheus_TimeSeries(serializedBytes: try wire.serializedBytes() + [0x22, 0x02, 0x08, 0x01])
        let result = try decode([wire, series([("__name__", "up")], samples: [(7, 1)])])
        #expect(result.rejected == 0)
        let first = result.batch.series[0]
        #expect(first.labels == Labels(["__name__": "rpc_seconds_bucket", "job": "ünïcode ✓", "le": "+Inf"]))
        #expect(first.samples.map(\.timestamp) == [-5_000_000, Int64.max / 1_000_000 * 1_000_000, 0])
        #expect(first.samples.map(\.value.bitPattern) == [Double.nan.bitPattern, (-0.0).bitPattern, 0x7ff0_0000_0000_0002])
        #expect(first.exemplars == [Exemplar(labels: Labels(["trace_id": "abc"]), timestamp: -3_000_000, value: 1.5)])
        #expect(result.batch.series[1].samples == [Sample(timestamp: 7_000_000, value: 1)])
    }

    /// Every truncation of a valid request either decodes (a cut between whole series) or is refused as
    /// malformed: never a crash.
    @Test func everyTruncationDecodesOrIsMalformed() throws {
        var wire = series([("__name__", "up"), ("job", "a")], samples: [(1, 1), (2, 2)])
        wire.exemplars = [.with { $0.labels = [label("trace_id", "abc")] }]
        let bytes: [UInt8] = try Prometheus_WriteRequest.with { $0.timeseries = [wire, wire] }.serializedBytes()
        for cut in 0..<bytes.count {
            if let error = failure(Snappy.compress(Array(bytes[..<cut]))) { #expect(error.kind == .malformed) }
        }
    }

    @Test func aFieldWithTheWrongWireTypeIsMalformed() throws {
        // TimeSeries{samples: varint 1} where samples must be a message.
        let series: [UInt8] = [0x10, 0x01]
        let request: [UInt8] = [0x0a, UInt8(series.count)] + series
        #expect(failure(Snappy.compress(request))?.message.contains("wire type") == true)
    }

    /// A decoder remembers valid series by their label bytes: a second request with the same series decodes to
    /// the same batch, refused series are refused again with their reason, and labels sent in another order are
    /// still the same series.
    @Test func aRepeatedRequestDecodesTheSameThroughTheLabelCache() throws {
        let request = try body([
            series([("__name__", "up"), ("job", "a")], samples: [(1000, 1)]),
            series([("job", "a")], samples: [(1000, 1)]),
            series([("job", "a"), ("__name__", "up")], samples: [(2000, 1)]),
            series([("__name__", "up"), ("job", "b")], samples: [(1000, 0), (2000, 0)]),
        ])
        let decoder = RemoteWriteDecoder()
        let first = try decoder.decode(request, tenant: Fixtures.tenant, limit: Self.limit)
        #expect(decoder.cachedSeries == 3)
        let second = try decoder.decode(request, tenant: Fixtures.tenant, limit: Self.limit)
        #expect(decoder.cachedSeries == 3)
        for result in [first, second] {
            #expect(result.batch.series.map(\.labels) == [
                Labels(["__name__": "up", "job": "a"]), Labels(["__name__": "up", "job": "b"]),
            ])
            #expect(result.batch.series[0].samples.map(\.timestamp) == [1_000_000_000, 2_000_000_000])
            #expect(result.rejected == 1)
            #expect(result.rejectionMessage.contains("timeseries[1]: series has no __name__ label"))
        }
        #expect(first.batch == second.batch)
    }

    /// A cache far smaller than the series sent still decodes every request right (generations turn over).
    @Test func aSmallLabelCacheDecodesManySeriesRight() throws {
        let request = try body((0..<300).map { series([("__name__", "metric_\($0 % 100)"), ("i", "\($0)")], samples: [(1, 1)]) })
        let expected = try RemoteWriteDecoder().decode(request, tenant: Fixtures.tenant, limit: Self.limit)
        let small = RemoteWriteDecoder(cachedSeries: 7)
        for _ in 0..<3 {
            #expect(try small.decode(request, tenant: Fixtures.tenant, limit: Self.limit).batch == expected.batch)
            #expect(small.cachedSeries <= 14)
        }
    }

    /// Labels with another field between them have no single run of bytes to key on: read, never cached.
    @Test func labelsInterleavedWithSamplesAreRead() throws {
        func field(_ number: UInt8, _ bytes: [UInt8]) -> [UInt8] { [number << 3 | 2, UInt8(bytes.count)] + bytes }
        let name = field(1, field(1, Array("__name__".utf8)) + field(2, Array("up".utf8)))
        let job = field(1, field(1, Array("job".utf8)) + field(2, Array("a".utf8)))
        let sample = field(2, [0x09] + [0, 0, 0, 0, 0, 0, 0xf0, 0x3f] + [0x10, 0x05])
        let request = Snappy.compress(field(1, name + sample + job))
        let decoder = RemoteWriteDecoder()
        for _ in 0..<2 {
            let result = try decoder.decode(request, tenant: Fixtures.tenant, limit: Self.limit)
            #expect(result.batch.series == [
                TimeSeries(labels: Labels(["__name__": "up", "job": "a"]), samples: [Sample(timestamp: 5_000_000, value: 1)])
            ])
        }
        #expect(decoder.cachedSeries == 0)
    }
}
