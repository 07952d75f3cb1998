/// A query error's text ("… line L, column C: …", as `QueryError` describes itself, also after the HTTP API
/// prefixed it) shown under the query with a caret at the fault, for people at a terminal:
///
///     {service="a" && duration > }
///                                ^
///     line 1, column 28: expected a value after "duration >", found "}"
public enum QueryErrorCaret {
    public static func render(query: String, message: String) -> String {
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
