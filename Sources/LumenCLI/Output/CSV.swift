/// RFC 4180 comma-separated values: fields with a comma, quote or line break are quoted, quotes doubled.
enum CSV {
    static func render(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map(line).joined()
    }

    /// One record and its line break.
    static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }

    private static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
