/// Aligned columns for tabular terminal output: a header row, a rule, then one line per row.
///
/// Cells are single lines (line breaks become spaces). When the table is wider than the width it is rendered
/// in, the widest columns give way first, and cut cells end in `…`; no column shrinks below three characters.
public struct TextTable: Sendable {
    public enum Alignment: Sendable {
        case left
        case right
    }

    public struct Column: Sendable {
        public var title: String
        public var alignment: Alignment
        /// A ceiling for this column regardless of the table's width; `nil` lets it grow to fit its cells.
        public var maxWidth: Int?

        public init(_ title: String, alignment: Alignment = .left, maxWidth: Int? = nil) {
            self.title = title
            self.alignment = alignment
            self.maxWidth = maxWidth
        }
    }

    public let columns: [Column]
    public private(set) var rows: [[String]] = []

    /// The space between two columns.
    static let separator = "  "
    static let minimumColumnWidth = 3

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
        for row in rows { lines.append(line(row, widths: widths)) }
        return lines.joined(separator: "\n")
    }

    private func line(_ cells: [String], widths: [Int]) -> String {
        let fitted = zip(columns, zip(cells, widths)).map { column, cell in
            TextCell.fit(cell.0, to: cell.1, alignment: column.alignment)
        }
        return TextCell.trimTrailing(fitted.joined(separator: Self.separator))
    }

    /// Natural widths, capped per column, then narrowed one character at a time from the widest column
    /// until the table fits — so that a single long column (a log body) absorbs the cut, not the short ones.
    func columnWidths(maxWidth: Int) -> [Int] {
        var widths = columns.enumerated().map { index, column in
            let natural = rows.reduce(column.title.count) { max($0, $1[index].count) }
            return min(natural, column.maxWidth ?? natural)
        }
        let separators = Self.separator.count * (columns.count - 1)
        var excess = widths.reduce(separators, +) - maxWidth
        while excess > 0, let widest = widths.indices.max(by: { widths[$0] < widths[$1] }),
            widths[widest] > Self.minimumColumnWidth
        {
            widths[widest] -= 1
            excess -= 1
        }
        return widths
    }
}
