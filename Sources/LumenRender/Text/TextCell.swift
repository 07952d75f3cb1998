/// Fitting text into fixed-width terminal cells.
///
/// Widths count `Character`s: right for ASCII, the box-drawing and block glyphs Lumen draws, and most
/// Latin text; East Asian wide characters take two cells on a terminal and will overhang by design.
enum TextCell {
    /// The text cut to at most `width` characters, ending in `…` when it was cut.
    static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        guard text.count > width else { return text }
        return String(text.prefix(width - 1)) + "…"
    }

    /// The text cut to `width` and padded with spaces on the side away from its alignment.
    static func fit(_ text: String, to width: Int, alignment: TextTable.Alignment = .left) -> String {
        let cut = truncate(text, to: width)
        let padding = String(repeating: " ", count: max(0, width - cut.count))
        return alignment == .left ? cut + padding : padding + cut
    }

    /// The text broken into lines of at most `width` characters: after the last `, ` or space that fits, else
    /// in the middle of a word. The pieces joined again give back the text, save the spaces at the breaks.
    static func wrap(_ text: String, to width: Int) -> [String] {
        guard width > 0, text.count > width else { return [text] }
        var lines: [String] = []
        var rest = Substring(text)
        while rest.count > width {
            let head = rest.prefix(width + 1)
            // A break after a space: the space ends this line (and is trimmed), the next starts after it.
            let cut = head.lastIndex(of: " ").flatMap { $0 > rest.startIndex ? $0 : nil }
            if let cut {
                lines.append(trimTrailing(String(rest[..<cut])))
                rest = rest[rest.index(after: cut)...]
            } else {
                lines.append(String(rest.prefix(width)))
                rest = rest.dropFirst(width)
            }
        }
        if !rest.isEmpty { lines.append(String(rest)) }
        return lines
    }

    /// One line of text: line breaks and tabs become spaces so a cell can never break a row.
    static func singleLine(_ text: String) -> String {
        guard text.contains(where: { $0.isNewline || $0 == "\t" }) else { return text }
        return String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }

    /// Drops trailing spaces, which padding of the last column leaves behind.
    static func trimTrailing(_ line: String) -> String {
        var line = line
        while line.last == " " { line.removeLast() }
        return line
    }
}
