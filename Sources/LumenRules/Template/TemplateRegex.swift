import LumenModel

/// A regular expression of `match` and `reReplaceAll`: RE2 syntax, as Go's `regexp`. Lumen's linear-time
/// engine checks the syntax (and says why a pattern is refused, in Go's words); Swift's `Regex` finds the
/// matches and their groups, which the linear engine does not capture. Patterns come from the operator's
/// rule files, not from clients.
struct TemplateRegex {
    private let linear: LinearRegex
    private let regex: Regex<AnyRegexOutput>

    init(_ pattern: String) throws(TemplateFunctionError) {
        do {
            linear = try LinearRegex(pattern)
        } catch {
            throw TemplateFunctionError("regexp: Compile(`\(pattern)`): error parsing regexp: \(error)")
        }
        do {
            regex = try Regex(pattern).matchingSemantics(.unicodeScalar)
        } catch {
            throw TemplateFunctionError("regexp: Compile(`\(pattern)`): \(error)")
        }
    }

    /// Go's `regexp.MatchString`: a match anywhere.
    func matches(_ text: String) -> Bool {
        linear.contains(text)
    }

    /// Go's `ReplaceAllString`: every leftmost-first, non-overlapping match replaced by `template` with
    /// `$1`, `${1}`, `$name`, `${name}` and `$$` expanded; an empty match right after a match is skipped.
    func replaceAll(in text: String, with template: String) -> String {
        var result = ""
        var lastMatchEnd = text.startIndex
        var replacedAny = false
        for match in text.matches(of: regex) {
            let range = match.range
            if range.isEmpty, range.lowerBound == lastMatchEnd, replacedAny || range.lowerBound != text.startIndex {
                continue
            }
            result += text[lastMatchEnd..<range.lowerBound]
            result += Self.expand(template, match)
            lastMatchEnd = range.upperBound
            replacedAny = true
        }
        return result + text[lastMatchEnd...]
    }

    /// Go's `Regexp.Expand`: `$` followed by a name (letters, digits, `_`) or a braced name; a number names
    /// a group by index; a missing group expands to nothing; a malformed reference keeps its `$`.
    static func expand(_ template: String, _ match: Regex<AnyRegexOutput>.Match) -> String {
        var result = ""
        var rest = Substring(template)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            if rest.first == "$" {
                result += "$"
                rest = rest.dropFirst()
                continue
            }
            let braced = rest.first == "{"
            let nameStart = braced ? rest.index(after: rest.startIndex) : rest.startIndex
            let name = rest[nameStart...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            var after = name.endIndex
            if braced {
                guard after < rest.endIndex, rest[after] == "}" else {
                    result += "$"
                    continue
                }
                after = rest.index(after: after)
            }
            guard !name.isEmpty else {
                result += "$"
                continue
            }
            rest = rest[after...]
            if name.allSatisfy({ $0.isASCII && $0.isNumber }) {
                if let number = Int(name), number < match.output.count, let group = match.output[number].substring {
                    result += group
                }
            } else if let group = match.output[String(name)], let substring = group.substring {
                result += substring
            }
        }
        return result + rest
    }
}
