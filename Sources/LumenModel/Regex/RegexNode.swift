/// A parsed regular expression, flags already applied (`(?i)a` is the set `[Aa]`, `(?s).` is any scalar).
/// Parsed for a boolean match, groups leave no trace and every quantifier is greedy: whether a string matches
/// depends on neither. Parsed for submatches (`RegexSyntax.parseCapturing`), groups are `capture` nodes and
/// lazy quantifiers keep their preference, which decides what each group reports.
indirect enum RegexNode: Hashable, Sendable {
    case empty
    /// One scalar, compared exactly.
    case scalar(UInt32)
    case set(RegexCharacterSet)
    case assertion(RegexAssertion)
    case concatenation([RegexNode])
    case alternation([RegexNode])
    /// `max == nil`: unbounded. `greedy`: more repetitions are preferred to fewer.
    case repetition(RegexNode, min: Int, max: Int?, greedy: Bool)
    /// A group whose span a submatch search reports: `index` 1… in the order of the groups' `(`, 0 the whole match.
    case capture(RegexNode, index: Int)

    /// The scalars of a pattern that is one exact string (no classes, no assertions), or nil.
    var literal: [UInt32]? {
        switch self {
        case .empty: []
        case .scalar(let scalar): [scalar]
        case .concatenation(let nodes):
            nodes.reduce([UInt32]?.some([])) { result, node in
                guard let result, let more = node.literal else { return nil }
                return result + more
            }
        default: nil
        }
    }

    /// The node without a leading and a trailing `.*` that also matches newlines, and which it had: a whole
    /// match of `.*foo.*` is a search for `foo`, and `api-.*` is decided once `api-` is read.
    var trimmingAnyRuns: (node: RegexNode, leading: Bool, trailing: Bool) {
        let anyRun = RegexNode.repetition(.set(.any), min: 0, max: nil, greedy: true)
        if self == anyRun { return (.empty, true, true) }
        guard case .concatenation(var nodes) = self else { return (self, false, false) }
        let leading = nodes.first == anyRun
        if leading { nodes.removeFirst() }
        let trailing = nodes.last == anyRun
        if trailing { nodes.removeLast() }
        return (RegexSyntax.concatenation(nodes), leading, trailing)
    }

    /// The longest exact string every match contains: a run of scalars in the top-level sequence.
    var requiredLiteral: [UInt32] {
        guard case .concatenation(let nodes) = self else { return literal ?? [] }
        var longest: [UInt32] = []
        var run: [UInt32] = []
        for node in nodes + [.empty] {
            if case .scalar(let scalar) = node {
                run.append(scalar)
            } else if case .concatenation = node, let inner = node.literal {
                run += inner
            } else {
                if run.count > longest.count { longest = run }
                run = []
            }
        }
        return longest
    }
}

/// A zero-width test between the scalar before the position and the one after it.
enum RegexAssertion: Hashable, Sendable {
    /// `^` without `(?m)`, and `\A`.
    case beginText
    /// `$` without `(?m)`, and `\z`: only the very end (Go's `$` does not match before a final newline).
    case endText
    case beginLine
    case endLine
    /// `\b`, between an ASCII word scalar and a non-word one.
    case wordBoundary
    case notWordBoundary

    /// `previous`/`next` are `RegexMachine.none` at the text's edges.
    func holds(previous: UInt32, next: UInt32) -> Bool {
        switch self {
        case .beginText: previous == RegexMachine.none
        case .endText: next == RegexMachine.none
        case .beginLine: previous == RegexMachine.none || previous == RegexCharacterSet.newline
        case .endLine: next == RegexMachine.none || next == RegexCharacterSet.newline
        case .wordBoundary: Self.isWord(previous) != Self.isWord(next)
        case .notWordBoundary: Self.isWord(previous) == Self.isWord(next)
        }
    }

    private static func isWord(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x30...0x39, 0x41...0x5A, 0x5F, 0x61...0x7A: true
        default: false
        }
    }
}
