import Foundation
import LumenQuery
import Testing

@testable import LumenCLI

struct QueryTableTests {
    static func response(_ json: String) throws -> QueryResponse {
        try JSONDecoder().decode(QueryResponse.self, from: Data(json.utf8))
    }

    static let traceID = "9b567d448577d27025f3a1c0e2b4d6f8"

    static func traces() throws -> QueryResponse {
        let span = """
            {"traceId":"\(traceID)","spanId":"eee19b7ec3c1b174","service":"payment","name":"POST /charge",
             "durationNanos":4870159,"startTimeUnixNano":1763000000000000000,"endTimeUnixNano":1763000000004870159,
             "kind":"server","status":{"code":"error"},"resource":{}}
            """
        return try response("""
            {"kind":"traces","traces":[{"traceId":"\(traceID)","rootServiceName":"frontend",
             "rootTraceName":"GET /checkout","startTimeUnixNano":1763000000000000000,"durationNanos":25000000,
             "spanCount":12,"errorCount":2,"services":["frontend","payment"],"spans":[\(span),\(span),\(span),\(span)]}]}
            """)
    }

    @Test(arguments: [80, 120])
    func aTraceIDIsNeverCutOnANarrowTerminal(width: Int) throws {
        let text = QueryTable.render(try Self.traces(), width: width)
        #expect(text.contains(Self.traceID))
    }

    @Test func matchedSpansWrapRatherThanCut() throws {
        let text = QueryTable.render(try Self.traces(), width: 140)
        #expect(!text.contains("…"))
        for _ in 0..<3 { #expect(text.contains("payment:POST /charge 4.87ms")) }
        #expect(text.contains("+1"))
    }

    @Test func nothingIsCutIntoAPipeOrAFile() throws {
        let line = String(repeating: "card declined by the issuer ", count: 20)
        let logs = try Self.response("""
            {"kind":"logs","logs":[{"timeUnixNano":1763000000000000000,"observedTimeUnixNano":0,"service":"payment",
             "severityNumber":17,"level":"error","body":"\(line)","traceId":"\(Self.traceID)","resource":{}}]}
            """)
        let text = QueryTable.render(logs, width: .max)
        #expect(text.contains(line.trimmingCharacters(in: .whitespaces)))
        #expect(!text.contains("…"))
    }

    static func metrics() throws -> QueryResponse {
        func series(_ method: String, _ value: String) -> String {
            """
            {"labels":{"__name__":"http_server_request_duration_seconds","service":"checkout","instance":"checkout-7f9c4d-abcde:9464",
             "job":"shop","route":"/api/v1/checkout/cart/items","method":"\(method)"},"points":[{"t":1763000000000000000,"v":"\(value)"}]}
            """
        }
        return try response("""
            {"kind":"vector","series":[\(series("GET", "0.004870159199999999")),\(series("POST", "0.25"))]}
            """)
    }

    @Test func aNarrowTableDropsTheLabelsEveryRowSharesFirst() throws {
        let text = QueryTable.render(try Self.metrics(), width: 80)
        #expect(text.hasPrefix("every series: http_server_request_duration_seconds{"))
        #expect(text.contains("{method=\"GET\"}"))
        #expect(text.contains("{method=\"POST\"}"))
        #expect(!text.contains("…"))
        let lines = text.split(separator: "\n" as Character).dropFirst()
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(text.contains("4.87ms"))
        #expect(text.contains("250ms"))
    }

    @Test func aWideEnoughTableKeepsEveryLabel() throws {
        let text = QueryTable.render(try Self.metrics(), width: .max)
        #expect(!text.contains("every series"))
        #expect(text.contains("route=\"/api/v1/checkout/cart/items\""))
    }

    @Test func instantAndRangeAnswersShareOneCSVHeader() throws {
        let instant = QueryTable.records(try Self.metrics())
        var range = try Self.metrics()
        range.kind = .matrix
        #expect(instant.header == ["series", "time_unix_nano", "value"])
        #expect(QueryTable.records(range).header == instant.header)
        #expect(instant.csv.hasPrefix("series,time_unix_nano,value\n"))
        #expect(instant.csv.contains(",1763000000000000000,0.004870159199999999\n"))
    }

    @Test func jsonLinesAreOneObjectARowWithNumbersAsNumbers() throws {
        let lines = QueryTable.records(try Self.traces()).jsonLines.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(object?["trace_id"] as? String == Self.traceID)
        #expect(object?["spans"] as? Int == 12)
        #expect(!lines[0].contains("\\/"))
    }

    @Test func prettyJSONDoesNotEscapeSlashes() {
        #expect(Output.prettyJSON(Data(#"{"route":"/api/v1/query"}"#.utf8)).contains(#""/api/v1/query""#))
    }
}
