import Testing

@testable import LumenRender

struct ChartTests {
    @Test func brailleDotsFollowTheUnicodeNumberingTwoAcrossAndFourDown() {
        var canvas = BrailleCanvas(width: 2, height: 1)
        canvas.set(x: 0, y: 0, color: nil)
        canvas.set(x: 3, y: 3, color: nil)
        #expect(canvas.lines(style: ANSIStyle(enabled: false)) == ["\u{2801}\u{2880}"])
    }

    @Test func brailleLineFillsEveryDotOfAFullColumnAndIgnoresDotsOutside() {
        var canvas = BrailleCanvas(width: 1, height: 1)
        canvas.line(from: (0, -3), to: (0, 9), color: nil)
        canvas.line(from: (1, 0), to: (1, 3), color: nil)
        #expect(canvas.lines(style: ANSIStyle(enabled: false)) == ["⣿"])
    }

    @Test func brailleCellsTakeTheColourOfTheLastSeriesDrawn() {
        var canvas = BrailleCanvas(width: 2, height: 1)
        canvas.set(x: 0, y: 0, color: .red)
        canvas.set(x: 1, y: 0, color: .green)
        canvas.set(x: 2, y: 0, color: .green)
        #expect(canvas.lines(style: ANSIStyle(enabled: true)) == ["\u{1B}[32m⠉⠁\u{1B}[0m"])
    }

    @Test func sparklineScalesToItsRangeAndLeavesNaNBlank() {
        #expect(Sparkline.render([0, 1, 2, 3, .nan, 7], width: 10) == "▁▂▃▄ █")
        #expect(Sparkline.render([5, 5, 5], width: 3) == "▁▁▁")
        #expect(Sparkline.render(Array(0..<100).map(Double.init), width: 4) == "▁▃▆█")
    }

    @Test func meterBarFillsInEighthsOnATrack() {
        let plain = ANSIStyle(enabled: false)
        #expect(MeterBar.render(fraction: 0.5, width: 8, color: nil, style: plain) == "████░░░░")
        #expect(MeterBar.render(fraction: 0.3, width: 5, color: nil, style: plain) == "█▌░░░")
        #expect(MeterBar.render(fraction: 1.7, width: 3, color: nil, style: plain) == "███")
        #expect(MeterBar.render(fraction: .nan, width: 3, color: nil, style: plain) == "░░░")
    }

    @Test func visibleTextIgnoresEscapesWhenMeasuringAndClipping() {
        let styled = "\u{1B}[31mred\u{1B}[0m text"
        #expect(VisibleText.width(styled) == 8)
        #expect(VisibleText.fit(styled, to: 10) == styled + "  ")
        #expect(VisibleText.plain(VisibleText.fit(styled, to: 5)) == "red t")
        #expect(VisibleText.fit(styled, to: 5).hasSuffix("\u{1B}[0m"))
    }

    @Test func thresholdsColourByTheHighestStepReached() {
        let steps = [Threshold(nil, .green), Threshold(80, .red), Threshold(50, .yellow)]
        #expect(steps.color(for: 10) == .green)
        #expect(steps.color(for: 50) == .yellow)
        #expect(steps.color(for: 99) == .red)
        #expect(steps.color(for: .nan) == nil)
    }

    @Test func timeAxisLabelsStartMiddleAndEndInUTC() {
        let axis = TimeAxis(start: ChartFixture.start, end: ChartFixture.end)
        #expect(axis.render(width: 30) == "22:13       22:43        23:13")
        #expect(
            TimeAxis(start: ChartFixture.start, end: ChartFixture.start + 60_000_000_000).label(ChartFixture.start)
                == "22:13:20")
    }
}

extension ChartTests {
    @Test func timedSparklinePlacesPointsWhereTheyHappenedAndHoldsThemAcrossSmallGaps() {
        let points = (0..<5).map { ChartSeries.Point(t: 60 + Int64($0) * 10, v: Double($0)) }
        // 10 cells of 10 over 0…100: nothing before 60, then one point per cell, held into the last cell.
        #expect(Sparkline.render(points, start: 0, end: 100, width: 10) == "     ▁▃▅▆█")
        #expect(Sparkline.render(points, start: 0, end: 100, width: 20) == "           ▁▁▃▃▅▅▆▆█")
    }
}
