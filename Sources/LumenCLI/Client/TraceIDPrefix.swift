import Foundation

/// What `lumen trace` takes: a whole trace ID, or — as git takes a commit — the start of one that no other
/// trace of the searched window shares.
struct TraceIDPrefix: Equatable {
    /// The shortest prefix taken, as git's: shorter ones match too much to be worth a search.
    static let minimumLength = 4

    private static let hexDigits = Set("0123456789abcdefABCDEF")

    /// Lowercase hexadecimal, 4 to 32 digits.
    let digits: String

    var isWholeID: Bool { digits.count == 32 }

    /// The argument as typed: surrounding spaces, and the `…` a table cut an ID with (older versions did), are
    /// dropped; anything else that is not hexadecimal is an error naming the character.
    init(_ argument: String) throws(Failure) {
        var text = Substring(argument.trimmingCharacters(in: .whitespaces))
        while text.hasSuffix("…") || text.hasSuffix("...") { text = text.hasSuffix("…") ? text.dropLast() : text.dropLast(3) }
        if let bad = text.first(where: { !Self.hexDigits.contains($0) }) {
            throw Failure("a trace ID is hexadecimal (0-9, a-f), but \"\(argument)\" contains \"\(bad)\"")
        }
        guard text.count <= 32 else {
            throw Failure("a trace ID has 32 hexadecimal digits; \"\(argument)\" has \(text.count)")
        }
        guard text.count >= Self.minimumLength else {
            throw Failure("give at least \(Self.minimumLength) digits of the trace ID (or all 32); got \"\(argument)\"")
        }
        digits = text.lowercased()
    }

    /// The one ID among `candidates` that starts with the prefix; an error listing them when there are several,
    /// and one saying where it looked when there is none.
    func resolve(among candidates: [String], searched: String) throws(Failure) -> String {
        let matches = Array(Set(candidates.map { $0.lowercased() }.filter { $0.hasPrefix(digits) })).sorted()
        switch matches.count {
        case 1: return matches[0]
        case 0:
            throw Failure("no trace \(searched) has an ID starting with \(digits); give more of it, all 32 digits, or --since")
        default:
            let shown = matches.prefix(10).map { "  \($0)" }.joined(separator: "\n")
            let more = matches.count > 10 ? "\n  … and \(matches.count - 10) more" : ""
            throw Failure("\(digits) is the start of \(matches.count) traces \(searched); give more digits:\n\(shown)\(more)")
        }
    }

    struct Failure: Error, CustomStringConvertible, Equatable {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
