/// A regular expression in RE2 syntax, matched in time linear in the text: `O(pattern × text)`, never
/// exponential. Lumen matches every client-supplied regex with it (label matchers, line filters, field
/// filters), because a backtracking engine lets one query like `{service=~"(a+)+$"}` run for hours, and
/// Swift's `Regex` does not even stop when the query's task is cancelled. Prometheus and Loki use RE2 (Go's
/// `regexp`) for the same reason.
///
/// Matching works on Unicode scalars, as RE2 does, not on grapheme clusters. `\d \w \s \b` are ASCII.
/// Submatches are `SubmatchRegex`'s; backreferences and lookaround are syntax errors, as in RE2.
///
/// Thread-safety: an immutable value, safe to share between tasks.
public struct LinearRegex: Sendable, CustomStringConvertible {
    public struct Options: OptionSet, Hashable, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// `.` matches `\n` too, as if the pattern began with `(?s)` (Prometheus' label matchers do this).
        public static let dotMatchesNewline = Options(rawValue: 1)
        public static let caseInsensitive = Options(rawValue: 2)
    }

    public let pattern: String
    /// The whole pattern, for a search anywhere.
    private let machine: RegexMachine
    /// For a whole match: the pattern less a leading and a trailing `(?s).*`, each of which unanchors a side.
    private let whole: (machine: RegexMachine, anchoredStart: Bool, anchoredEnd: Bool)
    /// The pattern's text when it is an exact string: matched without the machine.
    private let literal: String?
    /// The branches of a pattern that is an alternation of exact strings (`GET|POST|PUT`, a dashboard's
    /// multi-value variable): a whole match is a set lookup, on UTF-8 so that it compares scalars as the
    /// machine does (`String`'s `==` would equate canonically equivalent spellings).
    private let alternatives: Set<[UInt8]>?
    /// UTF-8 of a string every match contains: a text without it is refused with `memchr`.
    private let required: [UInt8]

    /// Throws `RegexSyntaxError` for a pattern RE2 refuses, a repeat count above 1000, or a program above
    /// `RegexProgram.maxInstructions` instructions.
    public init(_ pattern: String, options: Options = []) throws(RegexSyntaxError) {
        var flags = RegexSyntax.Flags()
        flags.dotMatchesNewline = options.contains(.dotMatchesNewline)
        flags.caseInsensitive = options.contains(.caseInsensitive)
        let node = try RegexSyntax.parse(pattern, flags: flags)
        self.pattern = pattern
        machine = RegexMachine(program: try RegexProgram(node, pattern: pattern))
        let trimmed = node.trimmingAnyRuns
        whole = (trimmed.leading || trimmed.trailing ? RegexMachine(program: try RegexProgram(trimmed.node, pattern: pattern))
                    : machine, !trimmed.leading, !trimmed.trailing)
        literal = node.literal.map(Self.string)
        if case .alternation(let branches) = node, branches.allSatisfy({ $0.literal != nil }) {
            alternatives = Set(branches.compactMap { $0.literal.map { Array(Self.string($0).utf8) } })
        } else {
            alternatives = nil
        }
        required = Array(Self.string(node.requiredLiteral).utf8)
    }

    /// Whether the whole text matches, as `^(?:pattern)$` would (Prometheus' label matchers are anchored).
    public func wholeMatch(_ text: some StringProtocol) -> Bool {
        if let literal { return text.utf8.elementsEqual(literal.utf8) }
        if let alternatives { return alternatives.contains(Array(text.utf8)) }
        guard mayContainRequired(text) else { return false }
        return whole.machine.run(text.unicodeScalars, anchoredStart: whole.anchoredStart,
                                 anchoredEnd: whole.anchoredEnd).matched
    }

    /// Whether the pattern matches anywhere in the text (LogQL's `|~` line filters are unanchored).
    public func contains(_ text: some StringProtocol) -> Bool {
        if literal != nil { return mayContainRequired(text) }
        guard mayContainRequired(text) else { return false }
        return machine.run(text.unicodeScalars, anchoredStart: false, anchoredEnd: false).matched
    }

    /// The machine's work for one text: for tests that pin the linear bound.
    func steps(_ text: some StringProtocol, anchored: Bool) -> (matched: Bool, steps: Int) {
        let outcome = machine.run(text.unicodeScalars, anchoredStart: anchored, anchoredEnd: anchored)
        return (outcome.matched, outcome.steps)
    }

    var instructionCount: Int { machine.program.instructions.count }

    public var description: String { pattern }

    private static func string(_ scalars: [UInt32]) -> String {
        String(String.UnicodeScalarView(scalars.compactMap(Unicode.Scalar.init)))
    }

    private func mayContainRequired(_ text: some StringProtocol) -> Bool {
        guard !required.isEmpty else { return true }
        if let found = text.utf8.withContiguousStorageIfAvailable({ LineSearch.contains($0, required) }) {
            return found
        }
        return LineSearch.contains(String(text), required)
    }
}
