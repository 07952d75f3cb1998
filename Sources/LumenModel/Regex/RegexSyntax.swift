/// Parses RE2 syntax (Go's `regexp/syntax` with Perl flags) into a `RegexNode`: literals and escapes, `.`,
/// classes with ranges, negation, `\d \w \s` and their complements, POSIX `[[:alpha:]]` and Unicode
/// categories `\pL`; anchors `^ $ \A \z \b \B`; groups `( )`, `(?: )`, `(?P<name> )`, `(?<name> )`;
/// alternation; `* + ? {n} {n,} {n,m}` and their lazy forms; flags `(?imsU)`, `(?i-s: )`.
///
/// It is iterative (an explicit stack of open groups) so a deep pattern cannot overflow the thread's
/// stack; nesting is still bounded at `maxDepth` because the compiler recurses over the tree.
struct RegexSyntax {
    static let maxRepeat = 1000
    static let maxDepth = 250

    struct Flags: Hashable, Sendable {
        var caseInsensitive = false
        var dotMatchesNewline = false
        var multiLine = false
        /// `(?U)`: `x*` is lazy and `x*?` greedy.
        var ungreedy = false
    }

    // Internal, not private: RegexSyntax+Escapes.swift reads and advances them.
    let scalars: [Unicode.Scalar]
    var position = 0
    var flags: Flags
    private var stack: [Frame]
    private var names: Set<String> = []
    /// Whether groups become `capture` nodes and lazy quantifiers stay lazy (a submatch search).
    private let capturing: Bool
    /// The names of groups 1…, nil for an unnamed one; only when `capturing`.
    private var groupNames: [String?] = []

    /// One open group: its finished alternatives and the sequence being built.
    private struct Frame {
        var alternatives: [RegexNode] = []
        var sequence: [RegexNode] = []
        /// Where the operator that built the sequence's last node began, if it was a repetition.
        var lastRepeatStart: Int?
        /// The flags outside the group, restored at its `)`.
        let outerFlags: Flags
        /// The group's number when it captures.
        var capture: Int? = nil

        var node: RegexNode {
            alternatives.isEmpty ? RegexSyntax.concatenation(sequence)
                : .alternation(alternatives + [RegexSyntax.concatenation(sequence)])
        }
    }

    static func parse(_ pattern: String, flags: Flags = Flags()) throws(RegexSyntaxError) -> RegexNode {
        var parser = RegexSyntax(scalars: Array(pattern.unicodeScalars), flags: flags, capturing: false)
        return try parser.parse()
    }

    /// For a submatch search: the pattern as capture 0, and the names of groups 1… (nil where unnamed).
    static func parseCapturing(_ pattern: String, flags: Flags = Flags()) throws(RegexSyntaxError)
        -> (node: RegexNode, groupNames: [String?])
    {
        var parser = RegexSyntax(scalars: Array(pattern.unicodeScalars), flags: flags, capturing: true)
        let node = try parser.parse()
        return (.capture(node, index: 0), parser.groupNames)
    }

    private init(scalars: [Unicode.Scalar], flags: Flags, capturing: Bool) {
        self.scalars = scalars
        self.flags = flags
        self.capturing = capturing
        stack = [Frame(outerFlags: flags)]
    }

    private mutating func parse() throws(RegexSyntaxError) -> RegexNode {
        while position < scalars.count {
            let start = position
            switch scalars[position] {
            case "(": try openGroup()
            case ")":
                guard stack.count > 1 else { throw error(.unexpectedParenthesis, from: start, to: start + 1) }
                let group = stack.removeLast()
                flags = group.outerFlags
                position += 1
                append(group.capture.map { .capture(group.node, index: $0) } ?? group.node)
            case "|":
                stack[stack.count - 1].alternatives.append(Self.concatenation(stack[stack.count - 1].sequence))
                stack[stack.count - 1].sequence = []
                stack[stack.count - 1].lastRepeatStart = nil
                position += 1
            case "*": position += 1; try repeatLast(min: 0, max: nil, from: start)
            case "+": position += 1; try repeatLast(min: 1, max: nil, from: start)
            case "?": position += 1; try repeatLast(min: 0, max: 1, from: start)
            case "{":
                if let (min, max) = try repeatCount() {
                    try repeatLast(min: min, max: max, from: start)
                } else {
                    position += 1
                    append(literal(0x7B))
                }
            case "[": append(try characterClass())
            case ".":
                position += 1
                append(.set(flags.dotMatchesNewline ? .any : .anyExceptNewline))
            case "^":
                position += 1
                append(.assertion(flags.multiLine ? .beginLine : .beginText))
            case "$":
                position += 1
                append(.assertion(flags.multiLine ? .endLine : .endText))
            case "\\": append(try escape())
            case let scalar:
                position += 1
                append(literal(scalar.value))
            }
        }
        guard stack.count == 1 else { throw error(.missingParenthesis, from: 0, to: scalars.count) }
        return stack[0].node
    }

    static func concatenation(_ nodes: [RegexNode]) -> RegexNode {
        var flat: [RegexNode] = []
        for node in nodes {
            switch node {
            case .empty: continue
            case .concatenation(let inner): flat += inner
            default: flat.append(node)
            }
        }
        return flat.isEmpty ? .empty : flat.count == 1 ? flat[0] : .concatenation(flat)
    }

    private mutating func append(_ node: RegexNode) {
        stack[stack.count - 1].sequence.append(node)
        stack[stack.count - 1].lastRepeatStart = nil
    }

    func literal(_ scalar: UInt32) -> RegexNode {
        guard flags.caseInsensitive, RegexCharacterSet.hasCase(scalar) else { return .scalar(scalar) }
        var set = RegexCharacterSet([scalar...scalar])
        set.foldsCase = true
        return .set(set)
    }

    // MARK: Repetition

    /// Applies a quantifier that ended at `position` to the last node; a trailing `?` (lazy) is consumed, and
    /// kept only when `capturing`.
    private mutating func repeatLast(min: Int, max: Int?, from start: Int) throws(RegexSyntaxError) {
        let lazy = peek() == "?"
        if lazy { position += 1 }
        let greedy = !capturing || lazy == flags.ungreedy
        let frame = stack[stack.count - 1]
        guard let last = frame.sequence.last else { throw error(.missingRepeatArgument, from: start, to: position) }
        if let previous = frame.lastRepeatStart { throw error(.invalidNestedRepeat, from: previous, to: position) }
        stack[stack.count - 1].sequence[frame.sequence.count - 1] = .repetition(last, min: min, max: max, greedy: greedy)
        stack[stack.count - 1].lastRepeatStart = start
    }

    /// `{n}`, `{n,}` or `{n,m}` at `position`, consumed; nil (nothing consumed) when it is not one, in which
    /// case `{` is a literal, as in RE2.
    private mutating func repeatCount() throws(RegexSyntaxError) -> (Int, Int?)? {
        let start = position
        var cursor = position + 1
        func number() -> Int? {
            var value: Int?
            while cursor < scalars.count, ("0"..."9").contains(scalars[cursor]) {
                value = Swift.min((value ?? 0) * 10 + Int(scalars[cursor].value - 0x30), 100_000)
                cursor += 1
            }
            return value
        }
        guard let min = number() else { return nil }
        var max: Int? = min
        if cursor < scalars.count, scalars[cursor] == "," {
            cursor += 1
            max = number()
        }
        guard cursor < scalars.count, scalars[cursor] == "}" else { return nil }
        cursor += 1
        position = cursor
        if min > Self.maxRepeat || (max ?? 0) > Self.maxRepeat || (max ?? min) < min {
            throw error(.invalidRepeatSize, from: start, to: cursor)
        }
        return (min, max)
    }

    // MARK: Groups

    private mutating func openGroup() throws(RegexSyntaxError) {
        let start = position
        position += 1
        if peek() == "?" {
            position += 1
            if try namedGroup(from: start) == false {
                guard let scoped = try flagGroup(from: start) else { return }
                push(scoped: scoped)
            }
        } else {
            push(scoped: flags, captureName: .some(nil))
        }
        if stack.count > Self.maxDepth + 1 { throw error(.nestingDepth, from: 0, to: scalars.count) }
    }

    /// `captureName` is `.some` for a group that captures (`.some(nil)` when unnamed).
    private mutating func push(scoped: Flags, captureName: String?? = nil) {
        var frame = Frame(outerFlags: flags)
        if capturing, let captureName {
            groupNames.append(captureName)
            frame.capture = groupNames.count
        }
        stack.append(frame)
        flags = scoped
    }

    /// `(?P<name>` or `(?<name>`, after `(?`; refuses `(?P=name)` and lookaround. False when it is neither.
    private mutating func namedGroup(from start: Int) throws(RegexSyntaxError) -> Bool {
        let next = peek()
        if next == "=" || next == "!" || (next == "<" && (peek(1) == "=" || peek(1) == "!")) {
            throw error(.lookaround, from: start, to: Swift.min(position + 2, scalars.count))
        }
        if next == "P" && (peek(1) == "=" || peek(1) == ">") {
            throw error(.backreference, from: start, to: Swift.min(position + 2, scalars.count))
        }
        guard next == "<" || (next == "P" && peek(1) == "<") else { return false }
        position += next == "P" ? 2 : 1
        let nameStart = position
        while position < scalars.count, scalars[position] != ">" { position += 1 }
        guard position < scalars.count else { throw error(.invalidNamedCapture, from: start, to: scalars.count) }
        let name = String(String.UnicodeScalarView(scalars[nameStart..<position]))
        position += 1
        let isWord = name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic)
            || ("0"..."9").contains($0) }
        guard !name.isEmpty, isWord else { throw error(.invalidNamedCapture, from: start, to: position) }
        guard names.insert(name).inserted else { throw error(.duplicateCaptureName, from: start, to: position) }
        push(scoped: flags, captureName: name)
        return true
    }

    /// `(?flags)` — which sets the flags to the end of the current group and returns nil — or `(?flags:`,
    /// which returns the flags of the group it opens.
    private mutating func flagGroup(from start: Int) throws(RegexSyntaxError) -> Flags? {
        var scoped = flags
        var negative = false
        var sawFlag = false
        scan: while position < scalars.count {
            let scalar = scalars[position]
            position += 1
            switch scalar {
            case "i": scoped.caseInsensitive = !negative
            case "s": scoped.dotMatchesNewline = !negative
            case "m": scoped.multiLine = !negative
            case "U": scoped.ungreedy = !negative
            case "-":
                guard !negative else { break scan }
                negative = true
                sawFlag = false
                continue scan
            case ":", ")":
                guard sawFlag || (!negative && scalar == ":") else { break scan }
                if scalar == ":" { return scoped }
                flags = scoped
                return nil
            default: break scan
            }
            sawFlag = true
        }
        throw error(.invalidPerlOperator, from: start, to: Swift.min(position, scalars.count))
    }

    // MARK: Helpers

    func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        position + offset < scalars.count ? scalars[position + offset] : nil
    }

    func error(_ code: RegexSyntaxError.Code, from start: Int, to end: Int) -> RegexSyntaxError {
        return RegexSyntaxError(code, String(String.UnicodeScalarView(scalars[start..<Swift.min(end, scalars.count)])))
    }
}
