import Testing
@testable import LumenModel

/// Submatches as Go's `regexp` reports them (`FindStringSubmatch`: leftmost-first, Perl's preferences).
struct SubmatchRegexTests {
    /// pattern, text, Go's `FindStringSubmatch` (nil entries: groups that took no part; nil: no match).
    static let table: [(String, String, [String?]?)] = [
        ("(a+)(b+)?", "xaab", ["aab", "aa", "b"]),
        ("(a|ab)(c|bcd)(d*)", "abcd", ["abcd", "a", "bcd", ""]),
        ("(a*?)(a*)", "aaa", ["aaa", "", "aaa"]),
        ("(a*)(a*)", "aaa", ["aaa", "aaa", ""]),
        ("(a)|b", "b", ["b", nil]),
        ("(\\d+)-(\\d+)", "tel 12-345 x", ["12-345", "12", "345"]),
        ("x*", "yyy", [""]),
        ("(a+)+", "aaa", ["aaa", "aaa"]),
        ("(a|b)*c", "abac", ["abac", "a"]),
        ("(?U)(a+)", "aaa", ["a", "a"]),
        ("(?U)(a+?)", "aaa", ["aaa", "aaa"]),
        ("(a{2,3}?)", "aaaa", ["aa", "aa"]),
        ("^(\\w+)$", "a b", nil),
        ("(\\bfoo\\b)", "afoo foo", ["foo", "foo"]),
        ("(é+)(.)", "ééx", ["ééx", "éé", "x"]),
        ("a(b)?c(d)?", "ac", ["ac", nil, nil]),
        ("(foo|foobar)", "foobar", ["foo", "foo"]),
        ("(foobar|foo)", "foobar", ["foobar", "foobar"]),
        ("((a)b)+", "abab", ["abab", "ab", "a"]),
        ("(?:x(y))+", "xyxy", ["xyxy", "y"]),
        ("(a)(?:b)(c)", "abc", ["abc", "a", "c"]),
        ("(?i)(ab)c", "xABC", ["ABC", "AB"]),
        ("(.*)=(.*)", "k=v=w", ["k=v=w", "k=v", "w"]),
        ("(.*?)=(.*)", "k=v=w", ["k=v=w", "k", "v=w"]),
        ("(\\w+)$", "one two", ["two", "two"]),
        ("(?m)^(\\w+)$", "one two\nthree", ["three", "three"]),
    ]

    @Test func groupsReportWhatGoReports() throws {
        for (pattern, text, expected) in Self.table {
            let match = try SubmatchRegex(pattern).firstMatch(in: text)
            #expect(match?.map { $0.map(String.init) } == expected, "\(pattern) on \(text.debugDescription)")
        }
    }

    @Test func namesAreThoseOfTheGroupsInOrder() throws {
        let loki = try SubmatchRegex(#"(?P<method>\w+) (?P<path>[\w|/]+) \((?P<status>\d+?)\) (?P<duration>.*)"#)
        #expect(loki.groupNames == ["method", "path", "status", "duration"])
        let match = loki.firstMatch(in: "POST /api/prom/api/v1/query_range (200) 1.5s")
        #expect(match?.dropFirst().map { $0.map(String.init) } == ["POST", "/api/prom/api/v1/query_range", "200", "1.5s"])
        #expect(try SubmatchRegex("(a)(?:b)(?<c>c)((d))").groupNames == [nil, "c", nil, nil])
        #expect(throws: RegexSyntaxError(.duplicateCaptureName, "(?P<a>")) { try SubmatchRegex("(?P<a>x)(?P<a>y)") }
    }

    @Test func replacingMatchesIsGoReplaceAllLiteral() throws {
        let ansi = try SubmatchRegex("\u{1B}\\[[0-9;]*m")
        #expect(ansi.replacingMatches(in: "\u{1B}[0;32mgreen\u{1B}[0m \u{1B}[0;31mred\u{1B}[0m", with: "") == "green red")
        #expect(ansi.replacingMatches(in: "plain", with: "") == "plain")
        // Empty matches: Go's ReplaceAllLiteralString("abc", "x*", "-") is "-a-b-c-"; "a*" on "baaac" is "-b-c-".
        #expect(try SubmatchRegex("x*").replacingMatches(in: "abc", with: "-") == "-a-b-c-")
        #expect(try SubmatchRegex("a*").replacingMatches(in: "baaac", with: "-") == "-b-c-")
        #expect(try SubmatchRegex("é").replacingMatches(in: "éaé", with: "e") == "eae")
    }

    /// `(a+)+$` and friends against long texts: linear work, where a backtracking engine takes forever.
    @Test func catastrophicPatternsStayLinear() throws {
        let start = ContinuousClock.now
        let text = String(repeating: "a", count: 20_000) + "!"
        #expect(try SubmatchRegex("(a+)+$").firstMatch(in: text) == nil)
        #expect(try SubmatchRegex("(a|aa)*(c)").firstMatch(in: text) == nil)
        #expect(try SubmatchRegex("(a*)*(!)").firstMatch(in: text)?.last == "!")
        #expect(ContinuousClock.now - start < .seconds(30), "a hang bound: a backtracking engine takes minutes here")
    }

    /// Random patterns where Swift's backtracking `Regex` is fast and its dialect agrees: the same match and the
    /// same groups, range for range.
    @Test func randomPatternsAgreeWithSwiftRegexGroupForGroup() throws {
        let compared = try LinearRegexTests.forRandomPatterns(seed: 20) { pattern, swift, text in
            let expected = (try? swift.firstMatch(in: text))?.output.map(\.range)
            let found = try SubmatchRegex(pattern).firstMatch(in: text)?.map { $0.map { $0.startIndex..<$0.endIndex } }
            #expect(found == expected, "\(pattern) on \(text.debugDescription)")
        }
        #expect(compared == 3200)
    }
}
