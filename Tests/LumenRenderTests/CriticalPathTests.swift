import LumenModel
import Testing

@testable import LumenRender

struct CriticalPathTests {
    @Test func followsTheChildThatFinishedLastAndSkipsParallelShorterWork() {
        // Root 0–120ms; PlaceOrder 2–110 under it; inside, Charge 10–100 decides, reserve stock 4–8 also lies on
        // the path because it ran before Charge started; the orphan refund-worker is a root of its own, shorter.
        let path = CriticalPath.spanIDs(TraceFixture.spans)
        #expect(path == Set([0x1, 0x2, 0x3, 0x4, 0x5].map(SpanID.init)))
    }

    @Test func parallelSiblingsOverlappingTheLaterOneAreOffThePath() {
        let spans = [
            TraceFixture.span(1, parent: nil, "a", "root", from: 0, to: 100),
            TraceFixture.span(2, parent: 1, "b", "long", from: 10, to: 90),
            TraceFixture.span(3, parent: 1, "c", "parallel", from: 20, to: 60),
        ]
        #expect(CriticalPath.spanIDs(spans) == [SpanID(1), SpanID(2)])
    }
}
