/// A server's "line L, column C: …" query error shown under the query, with a caret at the fault:
///
///     {service="a" && duration > }
///                                ^
///     line 1, column 29: expected a value after "duration >", found "}"
enum QueryErrorCaret {
    static func render(query: String, message: String) -> String {
        guard let match = message.firstMatch(of: /line (\d+), column (\d+)/),
            let line = Int(match.1), let column = Int(match.2)
        else { return message }
        let lines = query.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return message }
        let text = String(lines[line - 1])
        let caret = String(repeating: " ", count: max(0, column - 1)) + "^"
        return text + "\n" + caret + "\n" + message
    }
}
