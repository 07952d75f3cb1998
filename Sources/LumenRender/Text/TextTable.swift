/// Aligned columns for tabular terminal output: a header row, a rule, then one line per row.
///
/// Cells are single lines (line breaks become spaces). When the table is wider than the width it is rendered
/// in, the widest columns give way first; what a narrowed column does with a cell that no longer fits is its
/// ``Overflow``: cut it with `…` (the default), wrap it onto continuation lines, or never narrow at all (an
/// identifier a reader copies). No column shrinks below three characters; render with `maxWidth: .max` for a
/// table that is never narrowed (a pipe or a file).
public struct TextTable: Sendable {
    public enum Alignment: Sendable {
        case left
        case right
    }

    /// What a column does with a cell wider than the column.
    public enum Overflow: Sendable {
        /// Cut, ending in `…`.
        case truncate
        /// Broken onto continuation lines of the row, after a comma or a space where there is one.
        case wrap
        /// Never: the column keeps its natural width however narrow the table must be (trace and span IDs).
        case keep
    }

    public struct Column: Sendable {
        public var title: String
        public var alignment: Alignment
        /// A ceiling for this column regardless of the table's width; `nil` lets it grow to fit its cells.
        public var maxWidth: Int?
        public var overflow: Overflow

        public init(_ title: String, alignment: Alignment = .left, maxWidth: Int? = nil, overflow: Overflow = .truncate) {
            self.title = title
            self.alignment = alignment
            self.maxWidth = maxWidth
            self.overflow = overflow
        }
    }

    public let columns: [Column]
    public private(set) var rows: [[String]] = []

    /// The space between two columns.
    static let separator = "  "
    static let minimumColumnWidth = 3
    /// How narrow a wrapping column becomes before the other columns are cut.
    static let minimumWrapWidth = 16

    public init(columns: [Column]) {
        self.columns = columns
    }

    /// Adds a row; missing cells render empty and cells beyond the last column are ignored.
    public mutating func append(_ row: [String]) {
        rows.append(columns.indices.map { $0 < row.count ? TextCell.singleLine(row[$0]) : "" })
    }

    public var isEmpty: Bool { rows.isEmpty }

    /// The table as lines joined by `\n`, each at most `maxWidth` characters when the columns allow it.
    public func render(maxWidth: Int = 160) -> String {
        guard !columns.isEmpty else { return "" }
        let widths = columnWidths(maxWidth: maxWidth)
        var lines: [String] = []
        lines.append(line(columns.map(\.title), widths: widths))
        lines.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: Self.separator))
        for row in rows { lines += wrappedLines(row, widths: widths) }
        return lines.joined(separator: "\n")
    }

    /// A row as one line, or as several when a wrapping column's cell is wider than its column.
    private func wrappedLines(_ row: [String], widths: [Int]) -> [String] {
        let parts = columns.indices.map { index in
            columns[index].overflow == .wrap ? TextCell.wrap(row[index], to: widths[index]) : [row[index]]
        }
        let height = parts.map(\.count).max() ?? 1
        return (0..<height).map { lineIndex in line(parts.map { lineIndex < $0.count ? $0[lineIndex] : "" }, widths: widths) }
    }

    private func line(_ cells: [String], widths: [Int]) -> String {
        let fitted = zip(columns, zip(cells, widths)).map { column, cell in
            TextCell.fit(cell.0, to: cell.1, alignment: column.alignment)
        }
        return TextCell.trimTrailing(fitted.joined(separator: Self.separator))
    }

    /// Natural widths, capped per column, then narrowed one character at a time from the widest column that
    /// may narrow until the table fits — so that a single long column (a log body) absorbs the cut, not the
    /// short ones, and a ``Overflow/keep`` column never does. Wrapping columns give way first, down to
    /// ``minimumWrapWidth``: a wrapped cell loses nothing, a cut one does.
    func columnWidths(maxWidth: Int) -> [Int] {
        var widths = columns.enumerated().map { index, column in
            let natural = rows.reduce(column.title.count) { max($0, $1[index].count) }
            return column.overflow == .keep ? natural : min(natural, column.maxWidth ?? natural)
        }
        let separators = Self.separator.count * (columns.count - 1)
        var excess = widths.reduce(separators, +) - maxWidth
        let wrapping = widths.indices.filter { columns[$0].overflow == .wrap }
        let narrowable = widths.indices.filter { columns[$0].overflow != .keep }
        for (candidates, floor) in [(wrapping, Self.minimumWrapWidth), (narrowable, Self.minimumColumnWidth)] {
            while excess > 0, let widest = candidates.max(by: { widths[$0] < widths[$1] }), widths[widest] > floor {
                widths[widest] -= 1
                excess -= 1
            }
        }
        return widths
    }
}
