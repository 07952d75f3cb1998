import LumenModel
import Testing

@testable import LumenEngine

/// A span page gives back every span exactly, whatever its clocks, family and attributes, and a lookup by trace
/// builds only that trace.
struct SpanPageTests {
    private func span(
        _ id: UInt64, parent: UInt64? = nil, trace: UInt64 = 1, _ start: Int64, _ end: Int64,
        attributes: [Attribute] = []
    ) -> Span {
        Span(
            traceID: TraceID(high: 7, low: trace), spanID: SpanID(id), parentSpanID: parent.map { SpanID($0) },
            name: "op \(id % 3)", kind: .internal, startTime: start, endTime: end, attributes: attributes,
            resource: BatchRecordFixtures.cart)
    }

    private func roundTrip(_ spans: [Span], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let page = SpanPage.encode(spans[...]).bytes
        #expect(try SpanPage.decode(page) == spans, sourceLocation: sourceLocation)
    }

    @Test func timesSurviveSkewedClocksChildrenOutlivingParentsAndTheWidestRange() throws {
        try roundTrip([
            span(5, parent: 99, .min, .max),  // a parent in another page, the widest times
            span(2, parent: 1, 900, 6_000),  // before its parent on another host's clock: the parent is not yet a row
            span(1, 1_000, 5_000),
            span(3, parent: 2, 1_100, 1_200),
            span(4, parent: 1, 2_000, 1_500),  // ends before it starts
            span(7, parent: 1, 2_500, 9_000),  // outlives its parent
            span(6, parent: 5, .max, .min),
        ])
    }

    @Test func offsetsOfANestedTraceAreItsGapsNotItsTimes() {
        let start: Int64 = 1_700_000_000_000_000_000
        let trace = [
            span(1, start, start + 1_000),
            span(2, parent: 1, start + 100, start + 900),
            span(3, parent: 2, start + 150, start + 400),
            span(4, parent: 2, start + 500, start + 850),
        ]
        let offsets = TraceTimes.offsets(of: trace[...], parents: [nil, 0, 1, 1])
        #expect(offsets.starts == [100, 50, 400].map { ZigZag.encode($0) })
        // Ends after the last child's end where there are children, else durations.
        #expect(offsets.ends == [100, 50, 250, 350].map { ZigZag.encode($0) })
        let times = TraceTimes.times(
            traceStart: start, parents: [nil, 0, 1, 1], startOffset: { offsets.starts[$0 - 1] },
            endOffset: { offsets.ends[$0] })
        #expect(times.starts == trace.map(\.startTime))
        #expect(times.ends == trace.map(\.endTime))
    }

    @Test func attributesKeepTheirOrderAndTypesWhenAKeyChangesType() throws {
        try roundTrip([
            span(1, 0, 1, attributes: [Attribute("a", .string("x")), Attribute("b", .int(1))]),
            span(2, parent: 1, 0, 1, attributes: [Attribute("b", .string("x")), Attribute("a", .int(-2))]),
            span(3, parent: 1, 0, 1, attributes: [Attribute("b", .array([.string("x")])), Attribute("c", .bool(true))]),
            span(4, parent: 1, 0, 1),
        ])
    }

    @Test func aLookupBuildsOnlyItsTraceAsAFullDecodeWouldHaveIt() throws {
        let spans = try #require(SpanPartWriter.pages(of: StorageFixtures.batch(traces: 300).spans).first)
        let page = SpanPage.encode(spans).bytes
        let all = try SpanPage.decode(page)
        #expect(all == Array(spans))
        for number in [0, 17, 299] {
            let traceID = StorageFixtures.traceID(number)
            let trace = try SpanPage.decode(page, only: [traceID])
            #expect(trace.count == 2)
            #expect(trace == all.filter { $0.traceID == traceID })
        }
        #expect(try SpanPage.decode(page, only: [StorageFixtures.traceID(300)]).isEmpty)
    }

    @Test func flippedBytesNeverCrashTheDecoder() throws {
        let spans = BatchRecordFixtures.rich.spans.sorted { ($0.traceID, $0.startTime) < ($1.traceID, $1.startTime) }
        let page = SpanPage.encode(spans[...]).bytes
        for position in page.indices {
            for flip: UInt8 in [0x01, 0x80, 0xff] {
                var damaged = page
                damaged[position] ^= flip
                _ = try? SpanPage.decode(damaged)
                _ = try? SpanPage.decode(damaged, only: [BatchRecordFixtures.traceID])
            }
        }
    }

    @Test func planesAreAsWideAsTheWidestValueAndReadByPosition() throws {
        for (values, width) in [([], 0), ([0, 0], 0), ([1, 255, 256], 2), ([UInt64.max, 3], 8)] as [([UInt64], Int)] {
            var out = ByteWriter()
            BytePlanes.write(values, to: &out)
            #expect(out.bytes.count == 1 + width * values.count)
            let read = try out.bytes.withUnsafeBufferPointer { buffer in
                var column = ByteReader(buffer)
                let planes = try BytePlanes.Reader(&column, count: values.count)
                return values.indices.map { planes[$0] }
            }
            #expect(read == values)
        }
    }

    @Test func planesOfTheWrongLengthAreRefused() {
        #expect(throws: BatchRecordError.self) {
            try [UInt8(2), 1, 2, 3].withUnsafeBufferPointer { buffer in
                var column = ByteReader(buffer)
                _ = try BytePlanes.Reader(&column, count: 2)
            }
        }
    }
}
