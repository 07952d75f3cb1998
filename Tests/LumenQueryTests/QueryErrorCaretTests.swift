import Testing

@testable import LumenQuery

struct QueryErrorCaretTests {
    @Test func aParseErrorIsShownUnderItsQueryWithACaretAtTheColumn() throws {
        let query = #"{service="a" && duration > }"#
        var message = ""
        do { _ = try Parser.parse(query) } catch { message = "bad query: \(error)" }
        let lines = QueryErrorCaret.render(query: query, message: message).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0] == query)
        #expect(lines[1].count == query.count && lines[1].last == "^")
        #expect(lines[2].hasPrefix("bad query: line 1, column 28"))
    }

    @Test func theCaretFindsTheFaultyLineOfAMultiLineQuery() {
        let rendered = QueryErrorCaret.render(query: "sum(\n  rate(x[5m]) +\n)", message: "line 3, column 1: oops")
        #expect(rendered == ")\n^\nline 3, column 1: oops")
    }

    @Test func aMessageWithoutAPositionIsLeftAlone() {
        #expect(QueryErrorCaret.render(query: "up", message: "query timed out") == "query timed out")
    }
}
