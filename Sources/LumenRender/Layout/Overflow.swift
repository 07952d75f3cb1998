/// Rows cut to the lines a panel has, never silently: when some do not fit, the last line says how many.
struct Overflow<Row> {
    /// The rows to draw.
    let shown: ArraySlice<Row>
    /// How many rows were left out; 0 when all fit.
    let hidden: Int

    /// The rows that fit in `lines`, keeping the last line for the note when not all of them do.
    init(_ rows: [Row], lines: Int) {
        let fitting = rows.count <= lines ? rows.count : max(0, lines - 1)
        shown = rows.prefix(fitting)
        hidden = rows.count - fitting
    }

    /// `+3 more` (`+3 more series`), or `nil` when nothing was left out.
    func note(_ noun: String = "") -> String? {
        hidden > 0 ? "+\(hidden) more" + (noun.isEmpty ? "" : " " + noun) : nil
    }
}
