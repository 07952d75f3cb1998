/// A regular expression in RE2 syntax whose groups report what they matched, in time linear in the text:
/// LogQL's `| regexp "(?P<status>\d+)"` and `| decolorize`. Matches are leftmost-first with Go's preferences
/// (alternatives left to right, greedy quantifiers as many as possible, lazy ones `*?` as few), so a group
/// reports what Go's `FindStringSubmatch` reports. The same dialect and limits as `LinearRegex`.
///
/// Thread-safety: an immutable value, safe to share between tasks.
public struct SubmatchRegex: Sendable, CustomStringConvertible {
    public let pattern: String
    /// The names of groups 1…, in the order of their `(`; nil for an unnamed group.
    public let groupNames: [String?]
    private let machine: RegexSubmatchMachine
    /// Decides cheaply (a required literal, no slots) that a text has no match at all.
    private let matcher: LinearRegex

    /// Throws `RegexSyntaxError` as `LinearRegex.init` does.
    public init(_ pattern: String, options: LinearRegex.Options = []) throws(RegexSyntaxError) {
        var flags = RegexSyntax.Flags()
        flags.dotMatchesNewline = options.contains(.dotMatchesNewline)
        flags.caseInsensitive = options.contains(.caseInsensitive)
        let (node, names) = try RegexSyntax.parseCapturing(pattern, flags: flags)
        self.pattern = pattern
        groupNames = names
        machine = RegexSubmatchMachine(program: try RegexProgram(node, pattern: pattern), slotCount: 2 * (names.count + 1))
        matcher = try LinearRegex(pattern, options: options)
    }

    /// The first match of the pattern in `text`: element 0 the whole match, element `i` group `i`'s text, nil
    /// for a group that took no part; nil when nothing matches.
    public func firstMatch(in text: String) -> [Substring?]? {
        guard matcher.contains(text) else { return nil }
        let scalars = ScalarText(text)
        return machine.firstMatch(scalars.values, from: 0).map { scalars.substrings($0) }
    }

    /// The text with every match replaced by `replacement` (taken literally), as Go's `ReplaceAllLiteralString`:
    /// matches don't overlap, and an empty match right after the previous match is not replaced. Each match is a
    /// search from where the last one ended, which may read on past it, so the cost is linear in the text per
    /// match: meant for fixed patterns whose matches end their threads (`| decolorize`), not client patterns.
    public func replacingMatches(in text: String, with replacement: String) -> String {
        guard matcher.contains(text) else { return text }
        let scalars = ScalarText(text)
        var result = ""
        var copied = 0  // scalars of `text` already in `result`, or replaced
        var search = 0
        while search <= scalars.values.count, let slots = machine.firstMatch(scalars.values, from: search) {
            let (start, end) = (slots[0], slots[1])
            result += scalars.text(copied..<start)
            if end > copied || start == 0 { result += replacement }
            copied = end
            search = end > search ? end : search + 1
        }
        return result + scalars.text(copied..<scalars.values.count)
    }

    public var description: String { pattern }
}

/// A text as the machine reads it, with the index of each scalar to cut the answers from the text itself.
private struct ScalarText {
    let text: String
    private(set) var values: [UInt32] = []
    /// `indices[i]` is where scalar `i` starts; the last is the end of the text.
    private var indices: [String.Index] = []

    init(_ text: String) {
        self.text = text
        let view = text.unicodeScalars
        for index in view.indices {
            values.append(view[index].value)
            indices.append(index)
        }
        indices.append(view.endIndex)
    }

    func text(_ range: Range<Int>) -> Substring { text[indices[range.lowerBound]..<indices[range.upperBound]] }

    func substrings(_ slots: [Int]) -> [Substring?] {
        stride(from: 0, to: slots.count, by: 2).map { slot in
            slots[slot] < 0 || slots[slot + 1] < 0 ? nil : text(slots[slot]..<slots[slot + 1])
        }
    }
}
