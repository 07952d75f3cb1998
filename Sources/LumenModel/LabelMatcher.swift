/// One condition on a label: `=`, `!=`, `=~`, `!~`, with Prometheus' semantics — regular expressions are
/// fully anchored, and a missing label has the value `""`. The same matchers select metric series, log
/// streams and spans.
public struct LabelMatcher: Hashable, Sendable, CustomStringConvertible {
    public enum Operator: String, Hashable, Sendable, CaseIterable {
        case equal = "="
        case notEqual = "!="
        case matchesRegex = "=~"
        case notMatchesRegex = "!~"
    }

    public let name: String
    public let op: Operator
    public let value: String
    private let regex: LinearRegex?

    /// Throws `LabelMatcherError` when a regex does not compile. Regexes are RE2's and match in linear time;
    /// as in Prometheus, `.` also matches a newline.
    public init(_ name: String, _ op: Operator, _ value: String) throws {
        self.name = name
        self.op = op
        self.value = value
        switch op {
        case .equal, .notEqual: regex = nil
        case .matchesRegex, .notMatchesRegex:
            do {
                regex = try LinearRegex(value, options: .dotMatchesNewline)
            } catch {
                throw LabelMatcherError(pattern: value, reason: error.description)
            }
        }
    }

    public func matches(_ candidate: String) -> Bool {
        switch op {
        case .equal: candidate == value
        case .notEqual: candidate != value
        case .matchesRegex: regex!.wholeMatch(candidate)
        case .notMatchesRegex: !regex!.wholeMatch(candidate)
        }
    }

    /// Whether a series without this label (value `""`) is selected: such matchers can't drive an index lookup.
    public var matchesEmpty: Bool { matches("") }

    public var description: String {
        let escaped = value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
        return "\(name)\(op.rawValue)\"\(escaped)\""
    }

    public static func == (lhs: LabelMatcher, rhs: LabelMatcher) -> Bool {
        lhs.name == rhs.name && lhs.op == rhs.op && lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(op)
        hasher.combine(value)
    }
}

extension Labels {
    /// Whether every matcher selects these labels (a missing label has the value `""`).
    public func matches(_ matchers: [LabelMatcher]) -> Bool {
        matchers.allSatisfy { $0.matches(self[$0.name] ?? "") }
    }
}

public struct LabelMatcherError: Error, Sendable, CustomStringConvertible {
    public let pattern: String
    public let reason: String
    public var description: String { "invalid regular expression \"\(pattern)\": \(reason)" }
}
