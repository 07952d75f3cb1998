import Testing

@testable import LumenQuery

/// `format_query`'s layout of log queries, as Loki's `Prettify` lays them out.
struct LogQueryLayoutTests {
    @Test func aLongLogQueryHasAStageALineIndentedTwoSpaces() throws {
        let query = #"{service_name="shop", env=~"prod|dev"} |= "error" != "timeout" | json | status >= 500 and "#
            + #"level != "debug" | line_format "{{.msg}} | {{.path}}""#
        #expect(try LogQueryLayout.pretty(query) == #"""
            {service_name="shop", env=~"prod|dev"}
              |= "error"
              != "timeout"
              | json
              | status >= 500 and level != "debug"
              | line_format "{{.msg}} | {{.path}}"
            """#)
        let laidOut = try LogQueryLayout.pretty(query)
        #expect(try Parser.parseLogQL(laidOut) == Parser.parseLogQL(query))
    }

    @Test func aQueryThatFitsStaysOnOneLine() throws {
        #expect(try LogQueryLayout.pretty(#" {a="b"} |= "x" | json "#) == #"{a="b"} |= "x" | json"#)
        let filters = String(repeating: #" |= "0123456789""#, count: 8)
        #expect(try LogQueryLayout.pretty(#"{a="b"}"# + filters).split(separator: "\n").count == 9)
    }
}
