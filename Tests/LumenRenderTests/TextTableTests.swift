import Testing

@testable import LumenRender

struct TextTableTests {
    static func metricsTable() -> TextTable {
        var table = TextTable(columns: [
            .init("SERIES"), .init("VALUE", alignment: .right), .init("SERVICE", maxWidth: 8),
        ])
        table.append(["http_server_requests_total{code=\"200\"}", "1520", "frontend"])
        table.append(["http_server_requests_total{code=\"502\"}", "31.5", "checkout-service"])
        table.append(["up", "1"])
        return table
    }

    @Test func alignsColumnsAndCapsAColumnAtItsMaximumWidth() {
        #expect(Self.metricsTable().render() == """
            SERIES                                  VALUE  SERVICE
            ──────────────────────────────────────  ─────  ────────
            http_server_requests_total{code="200"}   1520  frontend
            http_server_requests_total{code="502"}   31.5  checkou…
            up                                          1
            """)
    }

    @Test func narrowsTheWidestColumnToFitTheWidth() {
        let text = Self.metricsTable().render(maxWidth: 30)
        #expect(text == """
            SERIES         VALUE  SERVICE
            ─────────────  ─────  ────────
            http_server_…   1520  frontend
            http_server_…   31.5  checkou…
            up                 1
            """)
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 30 })
    }

    @Test func cellsNeverBreakARowAndExtraCellsAreIgnored() {
        var table = TextTable(columns: [.init("TIME"), .init("BODY")])
        table.append(["12:00", "first line\nsecond\tline", "ignored"])
        #expect(table.render() == """
            TIME   BODY
            ─────  ──────────────────────
            12:00  first line second line
            """)
        #expect(table.rows == [["12:00", "first line second line"]])
    }

    @Test func anEmptyTableStillShowsItsHeader() {
        let table = TextTable(columns: [.init("NAME"), .init("COUNT", alignment: .right)])
        #expect(table.isEmpty)
        #expect(table.render() == "NAME  COUNT\n────  ─────")
    }
}

struct TextTableOverflowTests {
    @Test func aKeptColumnNeverNarrowsHoweverNarrowTheTable() {
        var table = TextTable(columns: [.init("NAME"), .init("TRACE", overflow: .keep)])
        table.append(["checkout", "9b567d448577d27025f3a1c0e2b4d6f8"])
        #expect(table.render(maxWidth: 20).contains("9b567d448577d27025f3a1c0e2b4d6f8"))
    }

    @Test func aWrappingColumnBreaksAfterACommaOntoContinuationLines() {
        var table = TextTable(columns: [.init("SERIES", overflow: .wrap), .init("VALUE", alignment: .right)])
        table.append(["{code=\"200\", method=\"GET\", route=\"/cart\"}", "1520"])
        #expect(table.render(maxWidth: 30) == """
            SERIES                   VALUE
            ───────────────────────  ─────
            {code="200",              1520
            method="GET",
            route="/cart"}
            """)
    }

    @Test func aWordLongerThanTheColumnIsBrokenInside() {
        #expect(TextCell.wrap("abcdefghij", to: 4) == ["abcd", "efgh", "ij"])
        #expect(TextCell.wrap("short", to: 10) == ["short"])
    }
}
