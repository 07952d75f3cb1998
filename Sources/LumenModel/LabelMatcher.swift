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
    private let regex: AnchoredRegex?

    /// Throws `LabelMatcherError` when a regex does not compile.
    public init(_ name: String, _ op: Operator, _ value: String) throws {
        self.name = name
        self.op = op
        self.value = value
        switch op {
        case .equal, .notEqual: regex = nil
        case .matchesRegex, .notMatchesRegex: regex = try AnchoredRegex(value)
        }
    }

    public func matches(_ candidate: String) -> Bool {
        switch op {
        case .equal: candidate == value
        case .notEqual: candidate != value
        case .matchesRegex: regex!.matches(candidate)
        case .notMatchesRegex: !regex!.matches(candidate)
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

/// A compiled regular expression that must match the whole string, as PromQL and LogQL matchers do.
/// Compiled once; `Regex` is not `Sendable`, so it is guarded here by immutability.
final class AnchoredRegex: @unchecked Sendable {
    private let regex: Regex<AnyRegexOutput>

    init(_ pattern: String) throws {
        do {
            regex = try Regex("^(?:" + pattern + ")$")
        } catch {
            throw LabelMatcherError(pattern: pattern, reason: "\(error)")
        }
    }

    func matches(_ candidate: String) -> Bool {
        (try? regex.wholeMatch(in: candidate)) != nil
    }
}
