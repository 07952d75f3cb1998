import LumenModel
import Testing

@testable import LumenRender

/// Every panel type drawn at a fixed size from fixed data, compared with its golden text; and the same panel
/// in colour must take exactly the same cells.
struct PanelGoldenTests {
    static let plain = ANSIStyle(enabled: false)
    static let color = ANSIStyle(enabled: true)

    static func draw(
        _ kind: Panel.Kind, _ data: PanelData, _ options: PanelOptions = PanelOptions(),
        width: Int, height: Int, style: ANSIStyle = plain
    ) -> [String] {
        PanelRenderer.render(
            kind, data: data, options: options, start: ChartFixture.start, end: ChartFixture.end,
            width: width, height: height, style: style)
    }

    /// The panel fits its box in plain text and in colour, and colour changes no visible character.
    static func checkFits(
        _ kind: Panel.Kind, _ data: PanelData, _ options: PanelOptions = PanelOptions(),
        width: Int, height: Int
    ) {
        let plain = draw(kind, data, options, width: width, height: height)
        let colored = draw(kind, data, options, width: width, height: height, style: color)
        #expect(plain.count <= height)
        #expect(plain.allSatisfy { VisibleText.width($0) <= width })
        #expect(colored.map(VisibleText.plain) == plain)
        #expect(plain.allSatisfy { !$0.contains("\u{1B}") })
    }

    static let latencyOptions = PanelOptions(
        unit: .seconds, thresholds: [Threshold(nil, .green), Threshold(0.25, .red)])

    @Test func timeSeriesDrawsBrailleLinesWithAGapAThresholdAxisAndLegend() {
        let data = PanelData.series(ChartFixture.latency)
        Golden.check(
            Self.draw(.timeseries, data, Self.latencyOptions, width: 64, height: 16).joined(separator: "\n"),
            "timeseries")
        Self.checkFits(.timeseries, data, Self.latencyOptions, width: 64, height: 16)
    }

    @Test func timeSeriesLegendSaysHowManySeriesDidNotFit() {
        let many = (0..<6).map { ChartFixture.wave("s\($0)", low: 0, high: Double($0 + 1)) }
        let lines = Self.draw(.timeseries, .series(many), width: 50, height: 9)
        #expect(lines.count == 9)
        #expect(lines.last == "   +4 more series")
    }

    @Test func statShowsTheLastValueColouredAndASparkline() {
        let options = PanelOptions(unit: .reqps, thresholds: [Threshold(nil, .green), Threshold(15, .red)])
        let data = PanelData.series([
            ChartFixture.wave("frontend", low: 5, high: 20), ChartFixture.wave("cart", low: 1, high: 4),
        ])
        Golden.check(Self.draw(.stat, data, options, width: 40, height: 4).joined(separator: "\n"), "stat")
        Self.checkFits(.stat, data, options, width: 40, height: 4)
        let colored = Self.draw(.stat, data, options, width: 40, height: 4, style: Self.color)
        #expect(colored[1].contains("\u{1B}[1;32m"))
    }

    @Test func gaugeFillsItsRangeAndMarksThresholds() {
        let options = PanelOptions(
            unit: .percent, thresholds: [Threshold(nil, .green), Threshold(70, .yellow), Threshold(90, .red)])
        let data = PanelData.series([ChartSeries(name: "cpu", points: [.init(t: ChartFixture.start, v: 73.5)])])
        Golden.check(Self.draw(.gauge, data, options, width: 30, height: 3).joined(separator: "\n"), "gauge")
        Self.checkFits(.gauge, data, options, width: 30, height: 3)
    }

    @Test func barGaugeDrawsOneBarPerSeriesSortedByValue() {
        let options = PanelOptions(unit: .reqps, sortDescending: true)
        let data = PanelData.series(
            ["cart": 3.5, "frontend": 20, "payment": 7.25, "database": 40].sorted { $0.key < $1.key }.map {
                ChartSeries(name: $0.key, points: [.init(t: ChartFixture.start, v: $0.value)])
            })
        Golden.check(Self.draw(.bargauge, data, options, width: 44, height: 4).joined(separator: "\n"), "bargauge")
        Self.checkFits(.bargauge, data, options, width: 44, height: 4)
    }

    @Test func tableAlignsNumbersSortsByAColumnAndColoursCells() {
        let options = PanelOptions(
            thresholds: [Threshold(nil, .green), Threshold(0.3, .red)], sortBy: "p95",
            sortDescending: true)
        let data = PanelData.table(ChartFixture.table)
        Golden.check(Self.draw(.table, data, options, width: 40, height: 5).joined(separator: "\n"), "table")
        Self.checkFits(.table, data, options, width: 40, height: 5)
        let colored = Self.draw(.table, data, options, width: 40, height: 5, style: Self.color)
        #expect(colored[2].contains("\u{1B}[31m480ms\u{1B}[0m"))
    }

    @Test func tableOfSeriesHasALabelColumnPerLabelAndTheValue() {
        let series = [
            ChartSeries(name: "a", labels: ["service": "cart", "__name__": "up"], points: [.init(t: 0, v: 1)])
        ]
        let lines = Self.draw(.table, .series(series), width: 40, height: 4)
        #expect(lines == ["metric  service  value", "──────  ───────  ─────", "up      cart         1"])
    }

    @Test func heatmapShadesBucketsOverTime() {
        let data = PanelData.series(ChartFixture.buckets)
        let options = PanelOptions(unit: .seconds)
        Golden.check(Self.draw(.heatmap, data, options, width: 50, height: 9).joined(separator: "\n"), "heatmap")
        Self.checkFits(.heatmap, data, options, width: 50, height: 9)
    }

    @Test func logsShowTheNewestLinesWithTheNewestAtTheBottom() {
        let data = PanelData.logs(ChartFixture.logs)
        Golden.check(Self.draw(.logs, data, width: 60, height: 4).joined(separator: "\n"), "logs")
        Self.checkFits(.logs, data, width: 60, height: 4)
        let colored = Self.draw(.logs, data, width: 60, height: 4, style: Self.color)
        #expect(colored[1].contains("\u{1B}[31merror\u{1B}[0m"))
    }

    @Test func tracePanelHighlightsTheCriticalPath() {
        let data = PanelData.trace(spans: TraceFixture.spans, logs: TraceFixture.logs)
        Golden.check(Self.draw(.trace, data, width: 100, height: 10).joined(separator: "\n"), "trace")
        Self.checkFits(.trace, data, width: 100, height: 10)
    }

    @Test func serviceGraphNestsCalleesUnderCallersWithRateErrorsAndP95() {
        let data = PanelData.serviceGraph(ChartFixture.graph)
        Golden.check(Self.draw(.servicegraph, data, width: 56, height: 7).joined(separator: "\n"), "servicegraph")
        Self.checkFits(.servicegraph, data, width: 56, height: 7)
        let colored = Self.draw(.servicegraph, data, width: 56, height: 7, style: Self.color)
        #expect(colored.contains { $0.contains("payment") && $0.contains("\u{1B}[31m") })
    }

    @Test func alertListShowsFiringFirstLongestActiveFirstWithLabelsAndSummary() {
        let data = PanelData.alerts(ChartFixture.alerts)
        Golden.check(Self.draw(.alertlist, data, width: 90, height: 4).joined(separator: "\n"), "alertlist")
        Self.checkFits(.alertlist, data, width: 90, height: 4)
        Self.checkFits(.alertlist, data, width: 30, height: 2)
        #expect(Self.draw(.alertlist, data, width: 90, height: 2).last == "+2 more alerts")
        #expect(Self.draw(.alertlist, data, PanelOptions(limit: 1), width: 90, height: 4).count == 1)
        #expect(Self.draw(.alertlist, .alerts([]), width: 40, height: 3) == ["no alerts pending or firing"])
        let colored = Self.draw(.alertlist, data, width: 90, height: 4, style: Self.color)
        #expect(colored[0].hasPrefix("\u{1B}[31mFIRING"))
        #expect(colored[2].hasPrefix("\u{1B}[33mPENDING"))
    }

    @Test func aPanelShowsItsErrorOrAMismatchInsteadOfFailing() {
        #expect(
            Self.draw(.timeseries, .error("bad query: unexpected )"), width: 20, height: 3)
                == ["error: bad query:", "unexpected )"])
        #expect(Self.draw(.logs, .series([]), width: 60, height: 3) == ["error: a logs panel cannot show series"])
    }
}
