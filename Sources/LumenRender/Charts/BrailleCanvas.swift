/// A drawing surface of braille cells, each holding 2×4 dots (Unicode U+2800–U+28FF), so a chart of
/// `width`×`height` cells has `2·width`×`4·height` dots of resolution.
///
/// Dot coordinates grow right and down from the top-left dot. A cell takes the colour of the last series that
/// set a dot in it: braille cannot mix colours within a cell, and later series are drawn on top.
struct BrailleCanvas {
    let width: Int
    let height: Int
    private var bits: [UInt8]
    private var colors: [ChartColor?]

    init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        bits = Array(repeating: 0, count: self.width * self.height)
        colors = Array(repeating: nil, count: self.width * self.height)
    }

    var dotWidth: Int { width * 2 }
    var dotHeight: Int { height * 4 }

    /// The bit of each dot within its cell, by [column][row], as the braille block numbers them.
    private static let dotBits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    /// Sets one dot; dots outside the canvas are ignored so that callers can clip by drawing.
    mutating func set(x: Int, y: Int, color: ChartColor?) {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
        let cell = (y / 4) * width + x / 2
        bits[cell] |= Self.dotBits[x % 2][y % 4]
        if let color { colors[cell] = color }
    }

    /// Whether any dot of the cell holding dot (x, y) is set.
    func isOccupied(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return false }
        return bits[(y / 4) * width + x / 2] != 0
    }

    /// A straight line between two dots (Bresenham), both ends included.
    mutating func line(from start: (x: Int, y: Int), to end: (x: Int, y: Int), color: ChartColor?) {
        var x = start.x
        var y = start.y
        let dx = abs(end.x - x)
        let dy = -abs(end.y - y)
        let stepX = x < end.x ? 1 : -1
        let stepY = y < end.y ? 1 : -1
        var error = dx + dy
        while true {
            set(x: x, y: y, color: color)
            if x == end.x && y == end.y { break }
            let doubled = 2 * error
            if doubled >= dy {
                error += dy
                x += stepX
            }
            if doubled <= dx {
                error += dx
                y += stepY
            }
        }
    }

    /// The canvas as `height` lines of `width` characters; empty cells are spaces.
    func lines(style: ANSIStyle) -> [String] {
        (0..<height).map { row in
            var line = ""
            var run = ""
            var runColor: ChartColor? = nil
            func flush() {
                guard !run.isEmpty else { return }
                line += runColor.map { style.apply($0.sgr, run) } ?? run
                run = ""
            }
            for column in 0..<width {
                let cell = row * width + column
                let character =
                    bits[cell] == 0
                    ? " " : String(Character(Unicode.Scalar(0x2800 + UInt32(bits[cell]))!))
                let color = bits[cell] == 0 ? nil : colors[cell]
                if color != runColor {
                    flush()
                    runColor = color
                }
                run += character
            }
            flush()
            return line
        }
    }
}
