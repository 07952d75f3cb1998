/// The named colours a dashboard file may use, and the colours given to series in order.
///
/// Names follow Grafana's basic palette so that imported dashboards keep their meaning; each maps to one
/// SGR code that reads on dark and light themes.
public enum ChartColor: String, Codable, Sendable, CaseIterable {
    case green, yellow, orange, red, blue, cyan, magenta, purple, white, gray

    var sgr: String {
        switch self {
        case .green: "32"
        case .yellow: "33"
        case .orange: "38;5;208"
        case .red: "31"
        case .blue: "34"
        case .cyan: "36"
        case .magenta: "35"
        case .purple: "95"
        case .white: "37"
        case .gray: "90"
        }
    }

    /// Series colours, in the order series are drawn: distinct hues first, then their bright variants.
    static let seriesPalette: [ChartColor] = [.cyan, .yellow, .magenta, .green, .blue, .orange, .purple, .red]

    static func series(_ index: Int) -> ChartColor { seriesPalette[index % seriesPalette.count] }

    /// Accepts Grafana's spellings too (`dark-red`, `semi-dark-green`, `#E02F44`-style hex is not mapped).
    public init?(name: String) {
        let plain = name.lowercased().split(separator: "-").last.map(String.init) ?? ""
        if let color = ChartColor(rawValue: plain) {
            self = color
        } else if plain == "grey" {
            self = .gray
        } else {
            return nil
        }
    }
}

extension ChartColor {
    /// Reads Grafana's names as well as Lumen's, and lists Lumen's when it fails.
    public init(from decoder: any Decoder) throws {
        self = try ChoiceDecoding.decode(decoder, what: "colour") { ChartColor(name: $0) }
    }
}
