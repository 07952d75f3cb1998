/// A span's place on the trace's time axis drawn in block characters, at half-cell resolution.
///
/// The bar starts in the cell holding the span's start and is at least half a cell long, so that instant
/// spans stay visible; a bar never runs past the last cell. A shaded bar (`▒`, whole cells only) sets off
/// spans that are off the critical path.
struct TimelineBar {
    let traceStart: Int64
    let traceDuration: Int64
    let width: Int

    func render(start: Int64, end: Int64, shaded: Bool = false) -> String {
        guard width > 0 else { return "" }
        let total = Double(max(traceDuration, 1))
        let startCell = AxisScale.cell(Double(start - traceStart) / total, of: width)
        let length = Double(max(0, end - start)) / total
        let halves = max(1, AxisScale.position(length, last: width * 2, within: 0...width * 2))
        let available = (width - startCell) * 2
        let drawn = min(halves, available)
        if shaded { return String(repeating: " ", count: startCell) + String(repeating: "▒", count: (drawn + 1) / 2) }
        return String(repeating: " ", count: startCell) + String(repeating: "█", count: drawn / 2)
            + (drawn % 2 == 1 ? "▌" : "")
    }
}
