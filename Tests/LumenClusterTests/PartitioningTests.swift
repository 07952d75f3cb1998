import LumenCluster
import LumenModel
import Testing

struct PartitioningTests {
    let partitioner = Partitioner(count: 64)
    let tenant = Tenant("team-a")!

    @Test func theHashIsStableAcrossProcessesAndVersions() {
        // Pinned: a change here moves every series, stream and trace of every cluster to another partition.
        #expect(PartitionHash.of(tenant: Tenant("team-a")!, labels: Labels([Label("__name__", "up")])) == 5_158_830_487_318_121_184)
        #expect(PartitionHash.of(tenant: .anonymous, traceID: TraceID(high: 1, low: 2)) == 7_106_918_487_400_847_745)
        #expect(Rendezvous.score(node: "node-1", partition: 7) == 621_217_716_380_188_087)
        let series = Labels([Label("__name__", "up"), Label("job", "node")])
        #expect(PartitionHash.of(tenant: tenant, labels: series) != PartitionHash.of(tenant: .anonymous, labels: series))
    }

    @Test func separatorsKeepAdjacentStringsApart() {
        var first = PartitionHash()
        first.combine("ab")
        first.combine("c")
        var second = PartitionHash()
        second.combine("a")
        second.combine("bc")
        #expect(first.value != second.value)
    }

    @Test func aTraceItsLogsAndASeriesEachLandInOnePartition() {
        let trace = TraceID(high: 0xdead, low: 0xbeef)
        let resource = Resource(attributes: [Attribute("service.name", .string("cart"))])
        var batch = Batch(tenant: tenant)
        for index in 0..<50 {
            batch.spans.append(Span(
                traceID: trace, spanID: SpanID(UInt64(index + 1)), name: "op", kind: .server, startTime: 1,
                endTime: 2, resource: resource))
            batch.logs.append(LogRecord(time: Int64(index), body: .string("under the trace"), traceID: trace,
                resource: resource))
            batch.logs.append(LogRecord(time: Int64(index), body: .string("no trace \(index)"), resource: resource))
            batch.series.append(TimeSeries(
                labels: Labels([Label("__name__", "m\(index % 5)")]),
                samples: [Sample(timestamp: Int64(index), value: 1)]))
        }
        let parts = partitioner.split(batch)
        let tracePartition = partitioner.partition(of: batch.spans[0], tenant: tenant)
        let withSpans = parts.filter { !$0.batch.spans.isEmpty }
        #expect(withSpans.map(\.partition) == [tracePartition])
        #expect(withSpans[0].batch.spans.count == 50)
        #expect(withSpans[0].batch.logs.filter { $0.traceID == trace }.count == 50)
        // The untraced lines share one stream (same resource and severity), so one partition too.
        let untraced = parts.filter { $0.batch.logs.contains { $0.traceID == nil } }
        #expect(untraced.count == 1)
        #expect(untraced[0].batch.logs.filter { $0.traceID == nil }.map(\.line) == (0..<50).map { "no trace \($0)" })
        // Each of the 5 series keeps its 10 samples together, in order.
        for name in (0..<5).map({ "m\($0)" }) {
            let holding = parts.filter { $0.batch.series.contains { $0.labels.metricName == name } }
            #expect(holding.count == 1)
        }
        #expect(parts.map(\.partition) == parts.map(\.partition).sorted())
        #expect(parts.reduce(0) { $0 + $1.batch.spans.count + $1.batch.logs.count + $1.batch.series.count } == 200)
        #expect(parts.allSatisfy { $0.batch.tenant == tenant })
    }

    @Test func seriesSpreadEvenlyOverPartitions() {
        var counts = [Int](repeating: 0, count: 64)
        for index in 0..<64_000 {
            let series = TimeSeries(labels: Labels([Label("__name__", "m"), Label("i", String(index))]), samples: [])
            counts[partitioner.partition(of: series, tenant: tenant)] += 1
        }
        // 1,000 expected each; a uniform hash stays well within ±20 %.
        #expect(counts.min()! > 800 && counts.max()! < 1200, "\(counts)")
    }

    @Test func partitionsSpreadOverStreamsAndSubjectsRoundTrip() {
        let layout = StreamLayout(partitions: 8, streams: 3)
        #expect(layout.streamNames == ["LUMEN_INGEST_0", "LUMEN_INGEST_1", "LUMEN_INGEST_2"])
        #expect(layout.subjects(ofStream: 1) == ["lumen.ingest.1", "lumen.ingest.4", "lumen.ingest.7"])
        #expect(layout.stream(ofPartition: 7) == "LUMEN_INGEST_1")
        #expect((0..<8).allSatisfy { layout.partition(ofSubject: layout.subject(ofPartition: $0)) == $0 })
        #expect(layout.partition(ofSubject: "lumen.ingest.8") == nil)
        #expect(layout.partition(ofSubject: "other.3") == nil)
        #expect(StreamLayout(partitions: 2, streams: 5).streams == 2)
    }
}
