/// A table: header, rule and rows, columns aligned (numbers right), sorted by a column when the options name
/// one, cells that carry a number coloured by the thresholds. Columns narrow as ``TextTable`` narrows them;
/// rows that do not fit the height end in `+N more rows`.
struct TablePanel {
    let table: TableData
    let options: PanelOptions

    func render(width: Int, height: Int, style: ANSIStyle) -> [String] {
        let rows = sortedRows()
        guard !rows.isEmpty else { return ["no data"] }
        let numeric = table.columns.indices.map { column in
            rows.contains { column < $0.count && $0[column].value != nil }
        }
        var text = TextTable(
            columns: table.columns.enumerated().map { index, title in
                TextTable.Column(title, alignment: numeric[index] ? .right : .left)
            })
        let limited = Array(rows.prefix(options.limit ?? Int.max))
        // The header costs a line only when a row fits below it, the rule only when two (or all) do.
        let headed = height >= 2
        let ruled = height - 2 >= min(limited.count, 2)
        let overflow = Overflow(limited, lines: height - (ruled ? 2 : headed ? 1 : 0))
        let shown = Array(overflow.shown)
        for row in shown { text.append(row.map(\.text)) }
        let widths = text.columnWidths(maxWidth: width)
        func line(_ cells: [String], colors: [ChartColor?]) -> String {
            let fitted = widths.indices.map { index in
                let cell = TextCell.fit(
                    index < cells.count ? cells[index] : "", to: widths[index],
                    alignment: text.columns[index].alignment)
                return colors[index].map { style.apply($0.sgr, cell) } ?? cell
            }
            return TextCell.trimTrailing(fitted.joined(separator: TextTable.separator))
        }
        var lines = headed ? [style.apply(ANSIStyle.bold, line(table.columns, colors: widths.map { _ in nil }))] : []
        if ruled {
            lines.append(
                style.apply(
                    ANSIStyle.dim,
                    widths.map { String(repeating: "─", count: $0) }.joined(separator: TextTable.separator)))
        }
        for row in shown {
            let colors = widths.indices.map { index in
                index < row.count ? row[index].value.flatMap { options.color(for: $0) } : nil
            }
            lines.append(line(row.map(\.text), colors: colors))
        }
        if let note = overflow.note("rows") { lines.append(style.apply(ANSIStyle.dim, note)) }
        return lines
    }

    /// Rows sorted by the named column (numbers by value, text by text; ascending unless told otherwise),
    /// ties kept in the order given.
    func sortedRows() -> [[TableData.Cell]] {
        guard let name = options.sortBy, let column = table.columns.firstIndex(of: name) else { return table.rows }
        let descending = options.sortDescending ?? false
        return table.rows.enumerated().sorted { a, b in
            let left = column < a.element.count ? a.element[column] : TableData.Cell("")
            let right = column < b.element.count ? b.element[column] : TableData.Cell("")
            if let x = left.value, let y = right.value, x != y { return descending ? x > y : x < y }
            if left.value == nil, right.value == nil, left.text != right.text {
                return descending ? left.text > right.text : left.text < right.text
            }
            return a.offset < b.offset
        }.map(\.element)
    }
}
