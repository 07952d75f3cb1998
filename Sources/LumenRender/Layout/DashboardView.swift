/// A dashboard with its data, ready to draw: the templated titles, each panel's data and the time range.
///
/// Pure: the same view, format and size always give the same text. Panels sit on the file's grid — columns
/// spread evenly over the width, rows one line each, or fitted to `height` when one is given (see
/// ``GridLines``) — each in its own bordered box, under a one-line header.
public struct DashboardView: Sendable {
    public struct Item: Sendable {
        public var panel: Panel
        public var title: String
        public var data: PanelData

        public init(panel: Panel, title: String, data: PanelData) {
            self.panel = panel
            self.title = title
            self.data = data
        }
    }

    public var title: String
    /// Shown after the title: the range, the variables' values.
    public var subtitle: String
    public var columns: Int
    public var items: [Item]
    /// Nanoseconds since the epoch.
    public var start: Int64
    public var end: Int64

    public init(title: String, subtitle: String, columns: Int, items: [Item], start: Int64, end: Int64) {
        self.title = title
        self.subtitle = subtitle
        self.columns = max(1, columns)
        self.items = items
        self.start = start
        self.end = end
    }

    public func render(_ format: OutputFormat, width: Int, height: Int? = nil) -> String {
        switch format {
        case .ansi: frame(width: width, height: height, style: ANSIStyle(enabled: true)).joined(separator: "\n")
        case .text: frame(width: width, height: height, style: ANSIStyle(enabled: false)).joined(separator: "\n")
        case .markdown: MarkdownExport(view: self, width: width).render()
        case .json: JSONExport(view: self).render()
        }
    }

    /// The whole dashboard as lines of exactly `width` cells (the header line may be shorter), and at most
    /// `height` lines when one is given (two at the least).
    func frame(width: Int, height: Int?, style: ANSIStyle) -> [String] {
        let width = max(20, width)
        let grid = GridLines(panels: items.map(\.panel), height: height.map { max(1, $0 - 1) })
        let column = { (gridColumn: Int) -> Int in gridColumn * width / self.columns }
        var canvas = Array(repeating: [(x: Int, text: String)](), count: grid.total)
        for (index, item) in items.enumerated() where grid.shown.contains(index) {
            let panel = item.panel
            let x = column(panel.x)
            let top = grid.line(panel.y)
            let box = PanelBox(
                title: item.title, width: column(panel.x + panel.width) - x,
                height: grid.line(panel.y + panel.height) - top)
            let content = PanelRenderer.render(
                panel.type, data: item.data, options: panel.options, start: start, end: end,
                width: box.innerWidth, height: box.innerHeight, style: style)
            for (offset, text) in box.render(content, style: style).enumerated() where top + offset < grid.total {
                canvas[top + offset].append((x, text))
            }
        }
        let header =
            style.apply(ANSIStyle.bold, TextCell.truncate(title, to: width))
            + (subtitle.isEmpty || title.count + 3 >= width
                ? ""
                : style.apply(ANSIStyle.dim, TextCell.truncate(" · " + subtitle, to: width - title.count)))
        return [header]
            + canvas.map { pieces in
                var text = ""
                var cursor = 0
                for piece in pieces.sorted(by: { $0.x < $1.x }) where piece.x >= cursor {
                    text += String(repeating: " ", count: piece.x - cursor) + piece.text
                    cursor = piece.x + VisibleText.width(piece.text)
                }
                return text
            }
            + (grid.hidden == 0 ? [] : [style.apply(ANSIStyle.dim, TextCell.truncate(overflowNote(grid), to: width))])
    }

    /// What the last line says when panels do not fit the height: how many, and the height they need.
    private func overflowNote(_ grid: GridLines) -> String {
        let needed = "\(grid.needed + 1) lines needed"
        return grid.shown.isEmpty ? "too small: \(needed)" : "+\(grid.hidden) more panels · \(needed)"
    }
}
