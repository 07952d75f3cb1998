/// Why a pattern is not a regular expression Lumen accepts. The dialect is RE2's (Go's `regexp/syntax`), and
/// so are the messages: `missing closing ): `(ab``. Backreferences and lookaround are refused as RE2 refuses
/// them — they are what makes a matcher exponential.
public struct RegexSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, independent of the pattern. New codes don't break callers that switch on a few.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        private init(_ description: String) { self.description = description }

        public static let missingParenthesis = Code("missing closing )")
        public static let unexpectedParenthesis = Code("unexpected )")
        public static let missingBracket = Code("missing closing ]")
        public static let missingRepeatArgument = Code("missing argument to repetition operator")
        public static let invalidNestedRepeat = Code("invalid nested repetition operator")
        public static let invalidRepeatSize = Code("invalid repeat count")
        public static let invalidEscape = Code("invalid escape sequence")
        public static let invalidCharacterRange = Code("invalid character class range")
        public static let invalidCharacterClass = Code("invalid character class")
        public static let invalidNamedCapture = Code("invalid named capture")
        public static let duplicateCaptureName = Code("duplicate capture group name")
        public static let invalidPerlOperator = Code("invalid or unsupported Perl syntax")
        public static let backreference = Code("backreferences are not supported")
        public static let lookaround = Code("lookahead and lookbehind are not supported")
        public static let invalidUnicodeClass = Code("invalid or unsupported Unicode class")
        public static let nestingDepth = Code("expression nests too deeply")
        public static let tooLarge = Code("expression too large")
    }

    public let code: Code
    /// The part of the pattern at fault (the whole pattern for `tooLarge` and `nestingDepth`).
    public let fragment: String

    public init(_ code: Code, _ fragment: some StringProtocol) {
        self.code = code
        self.fragment = String(fragment)
    }

    public var description: String { "\(code): `\(fragment)`" }
}
