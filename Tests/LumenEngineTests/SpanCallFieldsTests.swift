import Foundation
import LumenModel
import Testing

@testable import LumenEngine

/// The call-fields read (`spanCalls`): a block reads the fields from its page columns without building spans,
/// the head projects its spans, and the answer is every span's projection, each once.
struct SpanCallFieldsTests {
    typealias F = StorageFixtures

    /// The shop's traces, each with calls out of the cart service that name their peer in the ways
    /// `SpanCallFields.peer(of:)` weighs: the most specific key, an empty value passed over, a number, a key
    /// given twice (the first counts), and a peer attribute on a span kind that names none.
    private static func batch(traces: Int, offset: Int64 = 0) -> Batch {
        var batch = F.batch(traces: traces, offset: offset)
        let shop = batch.spans
        for (index, child) in shop.enumerated() where index % 2 == 1 {
            let start = child.startTime + 1_000_000
            func call(_ number: UInt64, _ kind: SpanKind, _ attributes: [Attribute], failed: Bool = false) -> Span {
                Span(
                    traceID: child.traceID, spanID: SpanID(child.spanID.value << 8 | number),
                    parentSpanID: child.spanID, name: "call \(number)", kind: kind,
                    startTime: start + Int64(number) * 1_000, endTime: start + Int64(number) * 7_000_000,
                    status: SpanStatus(code: failed ? .error : .ok),
                    attributes: attributes + [Attribute("cart.items", .int(Int64(index)))], resource: child.resource)
            }
            batch.spans += [
                call(1, .client, [Attribute("server.address", .string("db-\(index % 3)"))]
                    + (index % 4 == 1 ? [Attribute("db.system", .string("postgresql"))] : []), failed: index % 5 == 0),
                call(2, .producer, [Attribute("peer.service", .string("")), Attribute("server.address", .string("kafka"))]),
                call(3, .client, [Attribute("db.system", .int(7)), Attribute("db.system", .string("second"))]),
                call(4, .internal, [Attribute("peer.service", .string("not a peer"))]),
                call(5, .client, []),
            ]
        }
        return batch
    }

    private static func sorted(_ calls: some Sequence<SpanCallFields>) -> [SpanCallFields] {
        calls.sorted { ($0.traceID, $0.spanID.value) < ($1.traceID, $1.spanID.value) }
    }

    @Test func aPagesCallFieldsAreItsSpansProjectedUnderAnyPrefilter() throws {
        let spans = Self.batch(traces: 60).spans.sorted { ($0.traceID, $0.startTime) < ($1.traceID, $1.startTime) }
        let page = SpanPage.encode(spans[...]).bytes
        let calls = try SpanPage.decodeCalls(page)
        #expect(calls == spans.map(SpanCallFields.init))
        #expect(calls.filter { $0.peer != nil }.count == 60 * 3)
        #expect(Set(calls.compactMap(\.peer)) == ["postgresql", "db-0", "db-1", "db-2", "kafka", "7"])
        for prefilter in [
            SpanPrefilter(services: ["cart"]), SpanPrefilter(kinds: [.client], statuses: [.error]),
            SpanPrefilter(names: ["call 2", "GetCart"]), SpanPrefilter(minDuration: 20_000_000),
        ] {
            #expect(try SpanPage.decodeCalls(page, prefilter: prefilter)
                == SpanPage.decode(page, prefilter: prefilter).map(SpanCallFields.init))
        }
    }

    @Test func blocksAndTheHeadGiveEachSpansCallFieldsOnce() async throws {
        let directory = F.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try Storage(directory: directory, logger: F.quietLogger)
        defer { try? storage.close() }
        let first = Self.batch(traces: 40)
        try await storage.append(first)
        try await storage.flush()
        try await storage.append(Self.batch(traces: 40, offset: 40 * F.second))
        try await storage.flush()
        // A retried delivery in the head, beside spans only the head holds.
        try await storage.append(first)
        try await storage.append(Self.batch(traces: 20, offset: 80 * F.second))
        #expect(storage.blocks.count == 2 && !storage.head.isEmpty)

        let whole = ReadRequest(tenant: .anonymous)
        let calls = Self.sorted(storage.spanCalls(whole))
        #expect(calls == Self.sorted(storage.everySpan(whole).map(SpanCallFields.init)))
        #expect(calls.count == 100 * 7)
        #expect(Set(calls.map { SpanKey(traceID: $0.traceID, spanID: $0.spanID) }).count == calls.count)

        let middle = ReadRequest(
            tenant: .anonymous, from: F.base + 30 * F.second, to: F.base + 85 * F.second,
            spanPrefilter: SpanPrefilter(kinds: [.client, .server]))
        let some = Self.sorted(storage.spanCalls(middle))
        #expect(some == Self.sorted(storage.everySpan(middle).map(SpanCallFields.init)))
        #expect(!some.isEmpty && some.count < calls.count)
        #expect(Array(storage.spanCalls(ReadRequest(tenant: try #require(Tenant("other"))))).isEmpty)
    }
}
