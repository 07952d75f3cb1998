/// The time under a chart: clock labels at the start, middle and end of the range, in UTC so that exported
/// text reads the same everywhere (and golden tests do not depend on the machine's zone).
struct TimeAxis {
    /// Nanoseconds since the epoch.
    let start: Int64
    let end: Int64

    /// `HH:MM`, or `HH:MM:SS` when the range is under ten minutes and minutes alone would repeat.
    func label(_ time: Int64) -> String {
        let seconds = Int((time / 1_000_000_000) % 86_400 + 86_400) % 86_400
        let two = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        let clock = two(seconds / 3600) + ":" + two(seconds / 60 % 60)
        return end - start < 600_000_000_000 ? clock + ":" + two(seconds % 60) : clock
    }

    /// One line of `width` cells: the start label on the left, the end label on the right, the middle one
    /// centred when there is room for all three.
    func render(width: Int) -> String {
        guard width > 0 else { return "" }
        var cells = Array(repeating: Character(" "), count: width)
        func place(_ text: String, at offset: Int) {
            for (index, character) in text.enumerated() where offset + index >= 0 && offset + index < width {
                cells[offset + index] = character
            }
        }
        let first = label(start)
        let last = label(end)
        guard first.count + last.count + 1 <= width else {
            place(first, at: 0)
            return String(cells)
        }
        place(first, at: 0)
        place(last, at: width - last.count)
        let middle = label(start + (end - start) / 2)
        if first.count + middle.count + last.count + 4 <= width {
            place(middle, at: (width - middle.count) / 2)
        }
        return String(cells)
    }
}
