/// A panel's lines inside a rounded border with the title set into the top edge:
///
///     ╭─ Request rate ─────╮
///     │ …                  │
///     ╰────────────────────╯
///
/// Every line is exactly `width` cells; content is clipped and padded to the inside (width − 4, height − 2).
struct PanelBox {
    let title: String
    let width: Int
    let height: Int

    var innerWidth: Int { max(0, width - 4) }
    var innerHeight: Int { max(0, height - 2) }

    func render(_ content: [String], style: ANSIStyle) -> [String] {
        guard width >= 2, height >= 2 else {
            return Array(repeating: String(repeating: " ", count: max(0, width)), count: max(0, height))
        }
        let label = title.isEmpty ? "" : " " + TextCell.truncate(title, to: max(0, width - 5)) + " "
        let top = "╭─" + label + String(repeating: "─", count: max(0, width - 3 - label.count)) + "╮"
        var lines = [style.apply(ANSIStyle.dim, String(top.prefix(width)))]
        let border = style.apply(ANSIStyle.dim, "│")
        for row in 0..<innerHeight {
            let text = row < content.count ? content[row] : ""
            lines.append(border + " " + VisibleText.fit(text, to: innerWidth) + " " + border)
        }
        lines.append(style.apply(ANSIStyle.dim, "╰" + String(repeating: "─", count: width - 2) + "╯"))
        return lines
    }
}
