/// Measuring and fitting text that may hold SGR escape sequences (`ESC [ … m`), which take no cells.
///
/// Panels style their lines while drawing; the layout then pads and clips them to their box without
/// breaking a sequence, and closes any style a clip cut open.
enum VisibleText {
    static let escape: Character = "\u{1B}"

    /// The number of cells the text takes: its characters, not counting escape sequences.
    static func width(_ text: String) -> Int {
        plain(text).count
    }

    /// The text clipped to `width` cells and padded with spaces to exactly `width`.
    static func fit(_ text: String, to width: Int) -> String {
        let visible = self.width(text)
        if visible <= width { return text + String(repeating: " ", count: width - visible) }
        var result = ""
        var count = 0
        var inEscape = false
        var styled = false
        for character in text {
            if inEscape {
                result.append(character)
                if character == "m" { inEscape = false }
            } else if character == escape {
                inEscape = true
                styled = true
                result.append(character)
            } else {
                guard count < width else { continue }
                result.append(character)
                count += 1
            }
        }
        return styled ? result + "\u{1B}[0m" : result
    }

    /// The text without escape sequences.
    static func plain(_ text: String) -> String {
        var result = ""
        var inEscape = false
        for character in text {
            if inEscape {
                if character == "m" { inEscape = false }
            } else if character == escape {
                inEscape = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}
