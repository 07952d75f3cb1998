/// The few SGR escape sequences Lumen's terminal output uses, and a switch to leave them out.
///
/// Styling is applied after padding so that escape sequences never count towards a column's width.
struct ANSIStyle: Sendable {
    let enabled: Bool

    static let bold = "1"
    static let dim = "2"
    static let red = "31"
    static let green = "32"
    static let yellow = "33"

    /// Colours given to services in order of appearance, chosen to stay readable on dark and light themes.
    static let servicePalette = ["36", "35", "34", "33", "32", "96", "95", "94", "93", "92"]

    /// Wraps the text in the style, leaving leading and trailing padding outside so that a coloured cell's
    /// padding stays plain.
    func apply(_ code: String, _ text: String) -> String {
        guard enabled else { return text }
        let lead = text.prefix { $0 == " " }
        guard lead.count < text.count else { return text }
        let trail = text.reversed().prefix { $0 == " " }.count
        let core = text.dropFirst(lead.count).dropLast(trail)
        return lead + "\u{1B}[\(code)m" + core + "\u{1B}[0m" + String(repeating: " ", count: trail)
    }
}
