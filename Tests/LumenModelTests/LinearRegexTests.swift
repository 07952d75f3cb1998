import Foundation
import Testing
@testable import LumenModel

struct LinearRegexTests {
    /// pattern, text, whole match, match anywhere.
    static let table: [(String, String, Bool, Bool)] = [
        ("abc", "abc", true, true), ("abc", "xabcx", false, true), ("abc", "ab", false, false),
        ("", "", true, true), ("", "x", false, true),
        ("a.c", "abc", true, true), ("a.c", "a\nc", false, false), ("(?s)a.c", "a\nc", true, true),
        ("a|b|c", "b", true, true), ("ab|cd", "xcdx", false, true), ("a(|b)", "a", true, true),
        ("a*", "", true, true), ("a*", "aaaa", true, true), ("a+", "", false, false), ("a+", "baa", false, true),
        ("a?b", "b", true, true), ("a?b", "ab", true, true), ("a?b", "aab", false, true),
        ("a{3}", "aaa", true, true), ("a{3}", "aa", false, false), ("a{2,}", "aaaaa", true, true),
        ("a{2,3}", "aaaa", false, true), ("a{0}b", "b", true, true), ("a{2,3}?", "aa", true, true),
        ("a*?b+?", "aabb", true, true), ("(?:ab)+", "ababab", true, true), ("(ab)+", "aba", false, true),
        ("a{,3}", "a{,3}", true, true), ("a{x}", "a{x}", true, true), ("{", "{", true, true),
        ("[abc]+", "cab", true, true), ("[^abc]", "d", true, true), ("[^abc]", "a", false, false),
        ("[a-c]x", "bx", true, true), ("[]a]", "]", true, true), ("[^]a]", "b", true, true),
        ("[a-]", "-", true, true), ("[-a]", "-", true, true), ("[\\]]", "]", true, true), ("[^a]", "\n", true, true),
        ("\\d+", "0123", true, true), ("\\d", "x", false, false), ("\\D", "x", true, true),
        ("\\w+", "a_Z9", true, true), ("\\W", "-", true, true), ("\\s", "\t", true, true), ("\\S+", "ab", true, true),
        ("[\\d\\s]+", "1 2", true, true), ("[^\\d]", "5", false, false), ("\\d", "٣", false, false),
        ("[[:alpha:]]+", "abcXYZ", true, true), ("[[:^digit:]]", "x", true, true), ("[[:digit:]x]", "x", true, true),
        ("\\pL+", "héllo", true, true), ("\\p{Lu}", "É", true, true), ("\\PL", "1", true, true),
        ("\\p{^L}", "a", false, false), ("[\\p{N}]", "٣", true, true),
        ("^abc$", "abc", true, true), ("^b", "ab", false, false), ("a$", "a\n", false, false),
        ("(?m)^b$", "a\nb\nc", false, true), ("(?m)a$", "a\n", false, true), ("\\Aab\\z", "ab", true, true),
        ("\\bfoo\\b", "a foo b", false, true), ("\\bfoo\\b", "afoo", false, false), ("\\Boo", "foo", false, true),
        ("(?i)abc", "ABC", true, true), ("(?i:a)b", "Ab", true, true), ("(?i:a)b", "AB", false, false),
        ("(?i)a(?-i)b", "Ab", true, true), ("(?i)a(?-i)b", "AB", false, false), ("(?i)[a-c]+", "AbC", true, true),
        ("(?i)[^a]", "A", false, false), ("(?i)k", "\u{212A}", true, true), ("(?i)é", "É", true, true),
        ("(?P<name>a+)b", "aab", true, true), ("(?<name>a)", "a", true, true), ("(?U)a+", "aa", true, true),
        ("\\.\\*\\+\\?", ".*+?", true, true), ("\\x41\\x{1F600}", "A😀", true, true), ("\\101", "A", true, true),
        ("\\Qa.b\\E", "a.b", true, true), ("\\Qa.b\\E", "axb", false, false), ("\\t\\n", "\t\n", true, true),
        ("é+", "éé", true, true), ("😀.", "😀x", true, true), ("e\u{301}", "e\u{301}", true, true),
        (".", "e\u{301}", false, true), ("..", "e\u{301}", true, true),
        (".*foo.*", "xxfooxx", true, true), (".*foo.*", "xxfoxx", false, false), ("api-(a|b)-prod", "api-b-prod", true, true),
        ("(a+)+$", String(repeating: "a", count: 22) + "!", false, false),
        ("(a*)*", "", true, true), ("(a*)+b", "aab", true, true), ("(|a)*", "aa", true, true), ("(?:)*", "", true, true),
        ("GET|POST|PUT", "POST", true, true), ("GET|POST|PUT", "xPUTx", false, true), ("(a|é)", "e\u{301}", false, false),
        ("é", "e\u{301}", false, false), ("^*a", "a", true, true), ("$^", "", true, true), ("x*", "yyy", false, true),
    ]

    @Test func patternsMatchAsRE2Does() throws {
        for (pattern, text, whole, anywhere) in Self.table {
            let regex = try LinearRegex(pattern)
            #expect(regex.wholeMatch(text) == whole, "\(pattern) whole \(text.debugDescription)")
            #expect(regex.contains(text) == anywhere, "\(pattern) contains \(text.debugDescription)")
            #expect(regex.wholeMatch(Substring(text)) == whole, "\(pattern) substring \(text.debugDescription)")
        }
    }

    @Test func dotMatchesNewlineOptionIsPrometheusSemantics() throws {
        #expect(try LinearRegex("a.b", options: .dotMatchesNewline).wholeMatch("a\nb"))
        #expect(try LinearRegex("A", options: .caseInsensitive).wholeMatch("a"))
        for (pattern, text, whole) in [(".*", "a\nb", true), ("api-.*", "api-\nx", true), (".*-prod", "a\n-prod", true),
                                       (".*b.*", "a\nb\nc", true), ("a.*", "b\na", false), (".*a", "ab", false)] {
            #expect(try LinearRegex(pattern, options: .dotMatchesNewline).wholeMatch(text) == whole, "\(pattern)")
        }
    }

    static let errors: [(String, RegexSyntaxError.Code)] = [
        ("(a", .missingParenthesis), ("a)", .unexpectedParenthesis), ("[a", .missingBracket), ("[]", .missingBracket),
        ("*a", .missingRepeatArgument), ("a|*", .missingRepeatArgument), ("a**", .invalidNestedRepeat),
        ("a{2}{3}", .invalidNestedRepeat), ("a{1001}", .invalidRepeatSize), ("a{2,1}", .invalidRepeatSize),
        ("a{1,1001}", .invalidRepeatSize), ("\\1", .backreference), ("(a)\\1", .backreference),
        ("(?P=name)", .backreference), ("(?=a)", .lookaround), ("(?!a)", .lookaround), ("(?<=a)", .lookaround),
        ("(?<!a)", .lookaround), ("\\q", .invalidEscape), ("\\Z", .invalidEscape), ("a\\", .invalidEscape),
        ("\\x{110000}", .invalidEscape), ("\\xZZ", .invalidEscape), ("[z-a]", .invalidCharacterRange),
        ("[[:foo:]]", .invalidCharacterRange), ("(?P<>a)", .invalidNamedCapture), ("(?P<a-b>a)", .invalidNamedCapture),
        ("(?P<n>a)(?P<n>b)", .duplicateCaptureName), ("(?x)a", .invalidPerlOperator), ("(?)", .invalidPerlOperator),
        ("(?i-)", .invalidPerlOperator), ("\\p{Greek}", .invalidUnicodeClass),
        (String(repeating: "(", count: 1000) + String(repeating: ")", count: 1000), .nestingDepth),
        ("((a{1000}){1000}){1000}", .tooLarge), ("(a{1000}){100}", .tooLarge),
    ]

    @Test func syntaxRE2RefusesIsAnErrorWithItsCode() throws {
        for (pattern, code) in Self.errors {
            #expect(throws: RegexSyntaxError.self, "\(pattern.prefix(30))") { try LinearRegex(pattern) }
            do {
                _ = try LinearRegex(pattern)
            } catch {
                #expect(error.code == code, "\(pattern.prefix(30)): \(error)")
            }
        }
        #expect(throws: Never.self) { try LinearRegex(String(repeating: "(", count: 200) + "a" + String(repeating: ")", count: 200)) }
        #expect(throws: Never.self) { try LinearRegex("(a{1000}){10}") }
        let deep = String(repeating: "(a|", count: RegexSyntax.maxDepth) + String(repeating: ")*b", count: RegexSyntax.maxDepth)
        #expect(try LinearRegex(deep).wholeMatch("aab"))
        #expect(throws: RegexSyntaxError.self) { try LinearRegex("(" + deep + ")") }
    }

    @Test func errorsQuoteTheOffendingPartAsGoDoes() {
        #expect(throws: RegexSyntaxError(.missingParenthesis, "(ab")) { try LinearRegex("(ab") }
        #expect(throws: RegexSyntaxError(.invalidNestedRepeat, "**")) { try LinearRegex("a**") }
        #expect(throws: RegexSyntaxError(.invalidEscape, "\\q")) { try LinearRegex("a\\q") }
        #expect(RegexSyntaxError(.missingParenthesis, "(ab").description == "missing closing ): `(ab`")
    }

    /// Each pattern against a long text that makes a backtracking engine take exponential time: decided in
    /// at most `2 × instructions × (scalars + 1)` steps.
    @Test func catastrophicPatternsRunInLinearSteps() throws {
        // pattern, text, whole match, match anywhere
        let bombs: [(String, String, Bool, Bool)] = [
            ("(a+)+$", String(repeating: "a", count: 100_000) + "!", false, false),
            ("(a*)*b", String(repeating: "a", count: 100_000), false, false),
            ("(a|aa)*c", String(repeating: "a", count: 50_000), false, false),
            ("(x+x+)+y", String(repeating: "x", count: 30_000), false, false),
            ("(.*a){20}", String(repeating: "a", count: 30_000) + "b", false, true),
            ("(\\w+\\s?)*!$", String(repeating: "word ", count: 10_000) + "?", false, false),
        ]
        for (pattern, text, whole, anywhere) in bombs {
            let regex = try LinearRegex(pattern)
            let bound = 2 * regex.instructionCount * (text.unicodeScalars.count + 1)
            for anchored in [true, false] {
                let outcome = regex.steps(text, anchored: anchored)
                #expect(outcome.matched == (anchored ? whole : anywhere), "\(pattern) anchored \(anchored)")
                #expect(outcome.steps <= bound, "\(pattern): \(outcome.steps) steps > \(bound)")
            }
            #expect(regex.wholeMatch(text) == whole)
            #expect(regex.contains(text) == anywhere)
        }
    }

    @Test func requiredLiteralRejectsTextsWithoutIt() throws {
        let regex = try LinearRegex(".*error.*timeout")
        #expect(regex.contains("an error then a timeout"))
        #expect(!regex.contains("a timeout alone"))
        #expect(try LinearRegex("(?i)error").contains("ERROR"))
    }

    /// Random patterns without nested quantifiers (where Swift's backtracking `Regex` is fast) give the
    /// same answers in both engines, on ASCII texts where their dialects agree (not `\b`: Swift's "simple"
    /// word boundary does not see one before a leading digit, RE2's does).
    @Test func randomPatternsAgreeWithSwiftRegex() throws {
        let compared = try Self.forRandomPatterns(seed: 22) { pattern, swift, text in
            let linear = try LinearRegex(pattern)
            let whole = (try? swift.wholeMatch(in: text)) != nil
            let anywhere = (try? swift.firstMatch(in: text)) != nil
            #expect(linear.wholeMatch(text) == whole, "\(pattern) whole \(text.debugDescription)")
            #expect(linear.contains(text) == anywhere, "\(pattern) contains \(text.debugDescription)")
        }
        #expect(compared == 3200)
    }

    /// Calls `check` with 400 random patterns (and Swift's `Regex` of each) on 8 random texts each; returns the
    /// number of calls.
    static func forRandomPatterns(
        seed: UInt64, _ check: (String, Regex<AnyRegexOutput>, String) throws -> Void
    ) throws -> Int {
        var random = SplitMix64(seed: seed)
        var compared = 0
        for _ in 0..<400 {
            let pattern = randomPattern(&random, depth: 0)
            let swift = try Regex(pattern).matchingSemantics(.unicodeScalar).wordBoundaryKind(.simple)
            for _ in 0..<8 {
                let length = Int.random(in: 0...8, using: &random)
                try check(pattern, swift, String((0..<length).map { _ in "abc1 -".randomElement(using: &random)! }))
                compared += 1
            }
        }
        return compared
    }

    private static func randomPattern(_ random: inout SplitMix64, depth: Int) -> String {
        var pattern = Int.random(in: 0..<6, using: &random) == 0 ? "^" : ""
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            pattern += randomPiece(&random, depth: depth)
        }
        if Int.random(in: 0..<6, using: &random) == 0 { pattern += "$" }
        if depth == 0, Int.random(in: 0..<4, using: &random) == 0 {
            pattern += "|" + randomPattern(&random, depth: 1)
        }
        return pattern
    }

    private static func randomPiece(_ random: inout SplitMix64, depth: Int) -> String {
        let atoms = ["a", "b", "c", "1", ".", "[ab]", "[^a]", "[a-c]", "\\d", "\\w", "\\s", "\\W", " ", "\\-"]
        let quantifiers = ["", "", "", "*", "+", "?", "{2}", "{1,2}", "{0,}", "*?", "+?", "??", "{1,3}?"]
        let quantifier = quantifiers.randomElement(using: &random)!
        if depth < 2, Int.random(in: 0..<5, using: &random) == 0 {
            // A group of plain atoms (no inner quantifier), possibly with alternation, then a quantifier.
            let inner = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                (0..<Int.random(in: 1...2, using: &random)).map { _ in atoms.randomElement(using: &random)! }.joined()
            }
            let open = ["(", "(?:", "(?i:"].randomElement(using: &random)!
            return open + inner.joined(separator: "|") + ")" + quantifier
        }
        return atoms.randomElement(using: &random)! + quantifier
    }
}
