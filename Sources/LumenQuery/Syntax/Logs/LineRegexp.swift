import LumenModel

/// The expression of `| regexp "<re>"`: a regular expression in RE2 syntax, matched in linear time, whose named
/// groups become fields, as Loki's regexp parser reads it. The first match in the line counts (leftmost-first,
/// as Go's `FindSubmatch`); each named group gives its text, "" when it took no part; a line that doesn't
/// match gains no fields and no error. Unnamed groups only group.
public struct LineRegexp: Equatable, Sendable {
    public let text: String
    private let regex: SubmatchRegex
    /// The field name of each group (1…), nil for an unnamed one.
    private let names: [String?]

    /// Throws for a pattern RE2 refuses, one without a named group, or a group name that is not a label name.
    public init(_ text: String) throws(QueryError) {
        self.text = text
        do {
            regex = try SubmatchRegex(text)
        } catch {
            throw QueryError("invalid regexp: \(error)")
        }
        names = regex.groupNames
        guard names.contains(where: { $0 != nil }) else {
            throw QueryError("at least one named capture must be supplied, like (?P<status>\\d+)")
        }
        for case let name? in names where LabelName.sanitize(name) != name {
            throw QueryError("invalid extracted label name '\(name)': a label name is [a-zA-Z_][a-zA-Z0-9_]*")
        }
    }

    /// The named groups' texts in the line's first match, in the groups' order; empty without a match.
    func fields(_ line: String) -> [Label] {
        guard let match = regex.firstMatch(in: line) else { return [] }
        return zip(names, match.dropFirst()).compactMap { name, text in
            name.map { Label($0, text.map(String.init) ?? "") }
        }
    }

    public static func == (lhs: LineRegexp, rhs: LineRegexp) -> Bool { lhs.text == rhs.text }
}
