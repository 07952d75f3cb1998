import LumenEngine
import LumenModel
import Testing

@testable import LumenQuery

/// `CallTree` finds what a lookup by trace and span ID in a hash table finds, for any calls: spans read twice,
/// parents not read, a span naming itself, span IDs shared by two traces.
struct CallTreeTests {
    private static func calls(_ count: Int, seed: UInt64) -> [SpanCallFields] {
        var random = SplitMix(seed)
        return (0..<count).map { _ in
            let span = Span(
                traceID: TraceID(high: 1, low: random.next(below: 5)), spanID: SpanID(random.next(below: 30)),
                parentSpanID: random.next(below: 4) == 0 ? nil : SpanID(random.next(below: 34)), name: "call",
                startTime: 0, endTime: 1,
                resource: Resource(attributes: [Attribute("service.name", .string("s\(random.next(below: 3))"))]))
            return SpanCallFields(span)
        }
    }

    private struct SplitMix {
        var state: UInt64
        init(_ seed: UInt64) { state = seed }
        mutating func next(below bound: UInt64) -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return (z ^ (z >> 31)) % bound
        }
    }

    private struct Key: Hashable {
        let trace: TraceID
        let span: SpanID
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func parentsAndChildrenAreThoseAHashTableFinds(seed: UInt64) {
        let calls = Self.calls(300, seed: seed)
        var position: [Key: Int] = [:]
        var named = Set<Key>()
        for (index, call) in calls.enumerated() {
            position[Key(trace: call.traceID, span: call.spanID)] = index
            if let parent = call.parentSpanID { named.insert(Key(trace: call.traceID, span: parent)) }
        }
        let tree = CallTree(calls)
        #expect(tree.parents == calls.map { call in
            call.parentSpanID.flatMap { position[Key(trace: call.traceID, span: $0)] }
        })
        #expect(tree.hasChildren == calls.map { named.contains(Key(trace: $0.traceID, span: $0.spanID)) })
        #expect(tree.parents.contains(nil) && tree.parents.contains { $0 != nil })
        #expect(tree.hasChildren.contains(true) && tree.hasChildren.contains(false))
    }

    @Test func noCallsMakeAnEmptyTree() {
        let tree = CallTree([])
        #expect(tree.parents.isEmpty && tree.hasChildren.isEmpty)
    }
}
