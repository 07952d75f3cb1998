import LumenModel
import LumenQuery
import Testing

@testable import LumenServer

/// A tail's polls, through its cursor, add up to each line exactly once: the backlog oldest first and cut to
/// its limit, held back by `delay_for`, late arrivals within the grace caught, nothing sent twice.
struct LokiTailCursorTests {
    private func line(_ time: Int64, _ text: String, service: String = "cart") -> LabeledLine {
        LabeledLine(time: time, line: text, stream: Labels([Label("service", service)]), metadata: [], parsed: [])
    }

    @Test func theBacklogIsSentOldestFirstAndTheNextReadOverlapsItByTheGrace() {
        var cursor = LokiTailCursor(start: 0, delay: 0, grace: 10)
        let sent = cursor.backlog([line(90, "c"), line(80, "b"), line(70, "a")], limit: 100, upper: 100)
        #expect(sent.map(\.line) == ["a", "b", "c"])
        #expect(cursor.window(now: 105) == 90...105)
        // The overlap reads "c" again: it is not sent twice; a line that arrived late at 95 is.
        let fresh = cursor.advance([line(90, "c"), line(95, "late"), line(104, "d")], window: 90...105, complete: true)
        #expect(fresh.map(\.line) == ["late", "d"])
        #expect(cursor.window(now: 110) == 95...110)
    }

    @Test func aBacklogCutByItsLimitNeverSendsTheOlderLinesLater() {
        var cursor = LokiTailCursor(start: 0, delay: 0, grace: 50)
        let sent = cursor.backlog([line(99, "y"), line(98, "x")], limit: 2, upper: 100)
        #expect(sent.map(\.line) == ["x", "y"])
        #expect(cursor.floor == 99)
        let fresh = cursor.advance(
            [line(60, "older"), line(97, "older too"), line(98, "x"), line(99, "y"), line(100, "z")],
            window: 99...101, complete: true)
        #expect(fresh.map(\.line) == ["z"])
    }

    @Test func delayHoldsBackLinesNewerThanNowLessTheDelay() {
        var cursor = LokiTailCursor(start: 0, delay: 5, grace: 0)
        _ = cursor.backlog([], limit: 10, upper: cursor.upper(now: 100))
        #expect(cursor.window(now: 100) == 95...95)
        #expect(cursor.window(now: 94) == nil)
        _ = cursor.advance([], window: 95...95, complete: true)
        #expect(cursor.window(now: 120) == 95...115)
    }

    @Test func aReadCutByItsLimitResumesAtItsNewestLineAndSendsEachOnce() {
        var cursor = LokiTailCursor(start: 0, delay: 0, grace: 0)
        _ = cursor.backlog([], limit: 10, upper: 0)
        let first = cursor.advance([line(1, "a"), line(2, "b"), line(2, "c")], window: 0...10, complete: false)
        #expect(first.map(\.line) == ["a", "b", "c"])
        #expect(cursor.window(now: 10) == 2...10)
        let second = cursor.advance([line(2, "b"), line(2, "c"), line(3, "d")], window: 2...10, complete: true)
        #expect(second.map(\.line) == ["d"])
    }

    @Test func aFullPageAtOneInstantStillMovesOn() {
        var cursor = LokiTailCursor(start: 5, delay: 0, grace: 0)
        _ = cursor.backlog([], limit: 10, upper: 4)
        _ = cursor.advance([line(5, "a"), line(5, "b")], window: 5...10, complete: false)
        #expect(cursor.window(now: 10) == 6...10)
    }

    @Test func equalTextInAnotherStreamOrAtAnotherTimeIsAnotherLine() {
        var cursor = LokiTailCursor(start: 0, delay: 0, grace: 100)
        _ = cursor.backlog([line(10, "same")], limit: 10, upper: 50)
        let fresh = cursor.advance(
            [line(10, "same"), line(10, "same", service: "shop"), line(11, "same")], window: 0...60, complete: true)
        #expect(fresh.count == 2)
    }

    @Test func parametersAreReadAsLokiReadsThem() throws {
        func request(_ query: String) throws(APIError) -> LokiTailRequest {
            try LokiTailRequest(LokiParameters(form: FormParameters(query), now: 10_000 * 1_000_000_000), maxLimit: 500)
        }
        let defaults = try request("query=%7Ba%3D%22b%22%7D")
        #expect(defaults.limit == 100)
        #expect(defaults.delay == 0)
        #expect(defaults.start == 6_400 * 1_000_000_000)
        #expect(try request("query=%7Ba%3D%22b%22%7D&delay_for=5&limit=7").delay == 5_000_000_000)
        #expect(throws: APIError.self) { try request("query=%7Ba%3D%22b%22%7D&delay_for=6") }
        #expect(throws: APIError.self) { try request("query=%7Ba%3D%22b%22%7D&delay_for=1.5") }
        #expect(throws: APIError.self) { try request("query=%7Ba%3D%22b%22%7D&limit=501") }
        #expect(throws: APIError.self) { try request("query=rate(%7Ba%3D%22b%22%7D%5B1m%5D)") }
    }

    @Test func aCloseReasonIsCutToWhatACloseFrameHolds() {
        #expect(LokiTails.closeReason("short") == "short")
        let long = LokiTails.closeReason(String(repeating: "é", count: 100))
        #expect(long.utf8.count <= 123)
        #expect(long.hasSuffix("…"))
    }

    @Test func tailsAreLimitedPerTenantAndInTotal() throws {
        let limiter = LokiTailLimiter(perTenant: 2, total: 3, factory: SelfTelemetry().factory)
        let acme = try #require(Tenant("acme"))
        let globex = try #require(Tenant("globex"))
        try limiter.admit(acme)
        try limiter.admit(acme)
        #expect(throws: APIError.self) { try limiter.admit(acme) }
        try limiter.admit(globex)
        #expect(throws: APIError.self) { try limiter.admit(globex) }
        limiter.release(acme)
        try limiter.admit(globex)
    }
}
