/// Where the grid's rows fall on the screen when a dashboard is drawn to a height: every panel keeps its border
/// and at least one line inside, and the lines left over are shared out in proportion to the grid.
///
/// When even that does not fit, the panels that do (from the top) are drawn and the last line says how many
/// are left out and the height they need; nothing is squeezed into a box too small to show anything.
struct GridLines {
    /// The fewest lines a panel is drawn in: its top and bottom border around one line of content.
    static let minimumPanelHeight = 3

    /// The screen line of each grid edge (every panel's top and bottom) among the panels drawn.
    private let lineOfEdge: [Int: Int]
    /// The lines the drawn panels take.
    let total: Int
    /// The indices of the panels drawn; the others did not fit.
    let shown: Set<Int>
    /// How many panels did not fit.
    var hidden: Int { panelCount - shown.count }
    private let panelCount: Int
    /// The lines the whole dashboard needs at the least; more than `total` when panels were left out.
    let needed: Int

    /// The grid one line per row (no height given), or fitted to `height` lines.
    init(panels: [Panel], height: Int?) {
        let edges = Set([0] + panels.flatMap { [$0.y, $0.y + $0.height] }).sorted()
        let gridRows = edges.last ?? 0
        panelCount = panels.count
        guard let height else {
            lineOfEdge = Dictionary(uniqueKeysWithValues: edges.map { ($0, $0) })
            total = gridRows
            shown = Set(panels.indices)
            needed = gridRows
            return
        }
        // The least line each edge can sit on: below every panel ending there, at its minimum height.
        var least: [Int: Int] = [:]
        var previous = 0
        for edge in edges {
            let ending = panels.filter { $0.y + $0.height == edge }.map {
                least[$0.y, default: 0] + Self.minimumPanelHeight
            }
            previous = max(previous, ending.max() ?? 0)
            least[edge] = previous
        }
        needed = previous
        // The last edge that fits, keeping a line for the note when some panels do not.
        let room = needed <= height ? height : height - 1
        let last = edges.last { least[$0, default: 0] <= room } ?? 0
        let extra = room - least[last, default: 0]
        lineOfEdge = Dictionary(
            uniqueKeysWithValues: edges.filter { $0 <= last }.map {
                ($0, least[$0, default: 0] + (last == 0 ? 0 : extra * $0 / last))
            })
        shown = Set(panels.indices.filter { panels[$0].y + panels[$0].height <= last })
        total = needed <= height ? height : lineOfEdge[last, default: 0]
    }

    /// The screen line of a panel's top or bottom edge.
    func line(_ edge: Int) -> Int { lineOfEdge[edge, default: total] }
}
