import LumenModel
import Testing
@testable import LumenEngine

/// Block IDs are ULIDs: 26 Crockford base-32 characters that sort as their creation times do.
struct MetricBlockIDTests {
    @Test func anIDSurvivesItsTextForm() {
        var random = CodecFixtures.Random(seed: 21)
        for _ in 0..<200 {
            let id = BlockID(milliseconds: random.next() >> 16, randomHigh: UInt16(truncatingIfNeeded: random.next()),
                randomLow: random.next())
            let text = id.description
            #expect(text.count == 26)
            #expect(BlockID(text) == id)
            #expect(BlockID(text.lowercased()) == id)
        }
        #expect(BlockID(milliseconds: 0, randomHigh: 0, randomLow: 0).description == String(repeating: "0", count: 26))
        #expect(BlockID(milliseconds: (1 << 48) - 1, randomHigh: .max, randomLow: .max).description
            == "7ZZZZZZZZZ" + String(repeating: "Z", count: 16))
    }

    @Test func idsSortAsTextInCreationOrder() {
        let earlier = BlockID(milliseconds: 1_763_700_000_000, randomHigh: .max, randomLow: .max)
        let later = BlockID(milliseconds: 1_763_700_000_001, randomHigh: 0, randomLow: 0)
        #expect(earlier < later)
        #expect(earlier.description < later.description)
        #expect(BlockID.generate().milliseconds >= later.milliseconds)
    }

    @Test func malformedTextIsNotAnID() {
        #expect(BlockID("") == nil)
        #expect(BlockID("01KAJBCH8028T5CY4TQKFF04H") == nil, "25 characters")
        #expect(BlockID("01KAJBCH8028T5CY4TQKFF04HU") == nil, "U is not in Crockford's alphabet")
        #expect(BlockID("81KAJBCH8028T5CY4TQKFF04HM") == nil, "more than 48 bits of time")
    }
}
