import Foundation

/// An answer as rows for programs: what `--output csv` and `--output jsonl` print. Cells are text; the
/// columns named in `numeric` are written to JSON as numbers when they hold a finite one.
struct Records: Sendable {
    var header: [String]
    var rows: [[String]]
    var numeric: Set<String> = []

    var csv: String { CSV.render(header: header, rows: rows) }

    /// The header line alone, for a stream that prints rows as they come (`lumen tail`).
    var csvHeader: String { CSV.line(header) }

    /// The rows alone as CSV lines, each ending in a line break.
    var csvRows: String { rows.map(CSV.line).joined() }

    /// One JSON object a line, keys in header order.
    var jsonLines: String {
        rows.map { row in
            "{" + zip(header, row).map { name, cell in
                Output.jsonString(name) + ":" + (numeric.contains(name) && Self.isFiniteNumber(cell) ? cell : Output.jsonString(cell))
            }.joined(separator: ",") + "}\n"
        }.joined()
    }

    private static func isFiniteNumber(_ text: String) -> Bool {
        guard let value = Double(text), value.isFinite else { return false }
        // JSON's grammar: no leading "+", no ".5" or "5.", no hex or "inf".
        return text.range(of: #"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$"#, options: .regularExpression) != nil
    }
}
