import FuzzSupport
import LumenModel
import LumenQuery

/// The query languages' parsers, as the HTTP API calls them on a client's text, and the linear-time regular
/// expressions their matchers and filters compile. Whatever the text, each must return or throw.
enum QueryCases {
    static let all: [FuzzCase] = [
        FuzzCase("native", seeds: { QuerySeeds.native }) { _ = try? Parser.parse(text($0)) },
        FuzzCase("logql", seeds: { QuerySeeds.logQL }) { _ = try? Parser.parseLogQL(text($0)) },
        // The printer too: /api/v1/format_query answers with it.
        FuzzCase("promql", seeds: { QuerySeeds.promQL }) { _ = (try? Parser.parsePromQL(text($0)))?.promQL },
        FuzzCase("traceql", seeds: { QuerySeeds.traceQL }) { _ = try? TraceQLParser.parse(text($0)) },
        // A pattern, a NUL, then the text it is matched against.
        FuzzCase("regex", seeds: { QuerySeeds.regexes }) { input in
            let parts = input.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
            let pattern = String(decoding: parts[0], as: UTF8.self)
            let subject = parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : ""
            if let regex = try? LinearRegex(pattern) {
                _ = regex.wholeMatch(subject)
                _ = regex.contains(subject)
            }
            if let regex = try? SubmatchRegex(pattern) {
                _ = regex.firstMatch(in: subject)
                _ = regex.replacingMatches(in: subject, with: "<$1>")
            }
        },
    ]

    /// Query text arrives as UTF-8 in a URL or a form; invalid sequences are replaced, as the server's decoding does.
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
