import LumenModel
import Testing

@testable import LumenRender

struct TraceWaterfallTests {
    @Test func rendersNestedTraceWithErrorsMissingParentAndLogsAsTheGoldenText() {
        let text = TraceWaterfall(spans: TraceFixture.spans, logs: TraceFixture.logs).render()
        #expect(text == """
            trace 0af7651916cd43dd8448eb211c80319c · 6 spans · 120ms · 3 errors · 3 services: frontend, checkout, payment
            SERVICE   SPAN                                      OFFSET  DURATION  STATUS   TIMELINE
            frontend  GET /checkout                               +0ns     120ms  ✗ error  █████████████████████████████████████████
                      │ +500µs info  checkout started for cart 42
            checkout  └─ PlaceOrder                               +2ms     108ms  ✗ error  █████████████████████████████████████
            checkout     ├─ reserve stock                         +4ms       4ms            █▌
            payment      └─ Charge                               +10ms      90ms  ✗ error     ███████████████████████████████
                            │ +99ms error payment declined for order 8812: card_expired
            payment         └─ SELECT accounts                   +12ms      18ms  ok           ██████
                                 +29ms info  account found
            payment   refund-worker (parent 1a2b3c4d… missing)  +105ms      13ms                                              ████▌
            trace logs
            frontend  +119ms warn  client closed connection before response
            """)
    }

    @Test func colourAddsEscapeSequencesWithoutMovingAnyColumn() {
        let text = TraceWaterfall(spans: TraceFixture.spans, logs: TraceFixture.logs, color: true).render()
        #expect(text == """
            \u{1B}[1;31mtrace 0af7651916cd43dd8448eb211c80319c · 6 spans · 120ms · 3 errors · 3 services: frontend, checkout, payment\u{1B}[0m
            \u{1B}[2mSERVICE   SPAN                                      OFFSET  DURATION  STATUS   TIMELINE\u{1B}[0m
            \u{1B}[36mfrontend\u{1B}[0m  \u{1B}[31mGET /checkout\u{1B}[0m                               +0ns     120ms  \u{1B}[31m✗ error\u{1B}[0m  \u{1B}[31m█████████████████████████████████████████\u{1B}[0m
                      │ +500µs \u{1B}[2minfo\u{1B}[0m  checkout started for cart 42
            \u{1B}[35mcheckout\u{1B}[0m  \u{1B}[31m└─ PlaceOrder\u{1B}[0m                               +2ms     108ms  \u{1B}[31m✗ error\u{1B}[0m  \u{1B}[31m█████████████████████████████████████\u{1B}[0m
            \u{1B}[35mcheckout\u{1B}[0m     ├─ reserve stock                         +4ms       4ms            \u{1B}[35m█▌\u{1B}[0m
            \u{1B}[34mpayment\u{1B}[0m      \u{1B}[31m└─ Charge\u{1B}[0m                               +10ms      90ms  \u{1B}[31m✗ error\u{1B}[0m     \u{1B}[31m███████████████████████████████\u{1B}[0m
                            │ +99ms \u{1B}[31merror\u{1B}[0m payment declined for order 8812: card_expired
            \u{1B}[34mpayment\u{1B}[0m         └─ SELECT accounts                   +12ms      18ms  ok           \u{1B}[34m██████\u{1B}[0m
                                 +29ms \u{1B}[2minfo\u{1B}[0m  account found
            \u{1B}[34mpayment\u{1B}[0m   refund-worker (parent 1a2b3c4d… missing)  +105ms      13ms                                              \u{1B}[34m████▌\u{1B}[0m
            \u{1B}[1mtrace logs\u{1B}[0m
            frontend  +119ms \u{1B}[33mwarn\u{1B}[0m  client closed connection before response
            """)
        let plain = TraceWaterfall(spans: TraceFixture.spans, logs: TraceFixture.logs).render()
        #expect(Self.strippingEscapes(text) == plain)
    }

    @Test func plainOutputHasNoEscapeSequences() {
        let text = TraceWaterfall(spans: TraceFixture.spans, logs: TraceFixture.logs).render()
        #expect(!text.contains("\u{1B}"))
    }

    @Test func everyLineFitsANarrowTerminal() {
        let text = TraceWaterfall(spans: TraceFixture.spans, logs: TraceFixture.logs, width: 60).render()
        let lines = text.split(separator: "\n")
        #expect(lines.count == 13)
        for line in lines {
            #expect(line.count <= 60, "\(line)")
        }
        #expect(lines[0].hasPrefix("trace 0af7651916cd43dd8448eb211c80319c · 6 spans"))
        #expect(lines.contains { $0.contains("└─ PlaceOrd…") })
    }

    @Test func intoAPipeTheHeaderAndLogLinesAreWhole() {
        let text = TraceWaterfall(spans: TraceFixture.spans, logs: TraceFixture.logs, width: 60, cutsText: false)
            .render()
        #expect(text.contains("payment declined for order 8812: card_expired"))
        let header = text.split(separator: "\n")[0]
        #expect(!header.contains("…") && header.hasSuffix("payment"), "\(header)")
        // The span rows keep their layout: the timeline is scaled to the width.
        #expect(text.contains("└─ PlaceOrd…"))
    }

    @Test func childrenAreOrderedByStartTimeWhateverTheInputOrder() {
        let reversed = TraceWaterfall(spans: TraceFixture.spans.reversed(), logs: TraceFixture.logs.reversed())
        #expect(reversed.render() == TraceWaterfall(spans: TraceFixture.spans, logs: TraceFixture.logs).render())
    }

    @Test func logsWithoutAKnownSpanCloseTheOutputUnderTraceLogs() {
        let strayLog = TraceFixture.log(0xdead, "cart", at: 50 * TraceFixture.ms, .info, "stray")
        let text = TraceWaterfall(spans: TraceFixture.spans, logs: [strayLog]).render()
        let lines = text.split(separator: "\n")
        #expect(lines.suffix(2) == ["trace logs", "cart      +50ms info  stray"])
    }

    @Test func aTraceWithOnlyLogsStillShowsThem() {
        let text = TraceWaterfall(spans: [], logs: [TraceFixture.logs[2]]).render()
        #expect(text == """
            trace 0af7651916cd43dd8448eb211c80319c · 0 spans · 0ns · 0 errors
            trace logs
            frontend  +0ns warn  client closed connection before response
            """)
    }

    @Test func spansInAParentCycleAreShownNotDropped() {
        let a = TraceFixture.span(0xa, parent: 0xb, "cart", "a", from: 0, to: 10 * TraceFixture.ms)
        let b = TraceFixture.span(0xb, parent: 0xa, "cart", "b", from: 1 * TraceFixture.ms, to: 5 * TraceFixture.ms)
        let text = TraceWaterfall(spans: [a, b], logs: []).render()
        #expect(text.contains("a (parent cycle)"))
        #expect(text.contains("└─ b"))
    }

    static func strippingEscapes(_ text: String) -> String {
        var result = ""
        var inEscape = false
        for character in text {
            if character == "\u{1B}" {
                inEscape = true
            } else if inEscape {
                if character == "m" { inEscape = false }
            } else {
                result.append(character)
            }
        }
        return result
    }
}
