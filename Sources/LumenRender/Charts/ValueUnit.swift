/// How a panel writes its numbers: the unit named in the dashboard file (Grafana's unit IDs are accepted)
/// and the decimals, automatic (three significant digits, trailing zeros dropped) when not given.
public enum ValueUnit: String, Codable, Sendable, CaseIterable {
    /// Plain numbers with K/M/G/T suffixes.
    case short
    /// Plain numbers, no scaling.
    case none
    /// Bytes in powers of 1024: KiB, MiB…
    case bytes
    /// Bytes in powers of 1000: kB, MB…
    case decbytes
    case seconds = "s"
    case milliseconds = "ms"
    case microseconds = "µs"
    /// 0–100 shown with `%`.
    case percent
    /// 0–1 shown as a percentage.
    case ratio
    /// Requests per second.
    case reqps

    /// Grafana unit IDs and common spellings → a unit; `nil` when unknown.
    public init?(name: String) {
        switch name {
        case "us": self = .microseconds
        case "percentunit": self = .ratio
        case "decbytes", "bytes", "short", "none", "percent", "ratio", "reqps", "s", "ms", "µs":
            self.init(rawValue: name)
        case "rps", "req/s", "ops": self = .reqps
        case "": self = .short
        default: return nil
        }
    }

    /// The value in this unit as short text, e.g. `1.5 MiB`, `250ms`, `3.2%`, `12 req/s`, `1.2K`.
    public func format(_ value: Double, decimals: Int? = nil) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        switch self {
        case .none: return Self.number(value, decimals)
        case .short: return Self.scaled(value, base: 1000, suffixes: ["", "K", "M", "G", "T", "P"], decimals)
        case .bytes:
            return Self.scaled(value, base: 1024, suffixes: [" B", " KiB", " MiB", " GiB", " TiB", " PiB"], decimals)
        case .decbytes:
            return Self.scaled(value, base: 1000, suffixes: [" B", " kB", " MB", " GB", " TB", " PB"], decimals)
        case .seconds: return Self.duration(value, decimals)
        case .milliseconds: return Self.duration(value / 1e3, decimals)
        case .microseconds: return Self.duration(value / 1e6, decimals)
        case .percent: return Self.number(value, decimals) + "%"
        case .ratio: return Self.number(value * 100, decimals) + "%"
        case .reqps: return Self.scaled(value, base: 1000, suffixes: ["", "K", "M", "G"], decimals) + " req/s"
        }
    }

    private static func scaled(_ value: Double, base: Double, suffixes: [String], _ decimals: Int?) -> String {
        var scaled = value
        var index = 0
        while abs(scaled) >= base, index < suffixes.count - 1 {
            scaled /= base
            index += 1
        }
        return number(scaled, decimals) + suffixes[index]
    }

    private static func duration(_ seconds: Double, _ decimals: Int?) -> String {
        let magnitude = abs(seconds)
        if magnitude == 0 { return number(0, decimals) + "s" }
        if magnitude < 1e-6 { return number(seconds * 1e9, decimals) + "ns" }
        if magnitude < 1e-3 { return number(seconds * 1e6, decimals) + "µs" }
        if magnitude < 1 { return number(seconds * 1e3, decimals) + "ms" }
        if magnitude < 60 { return number(seconds, decimals) + "s" }
        if magnitude < 3600 { return number(seconds / 60, decimals) + "m" }
        if magnitude < 86400 { return number(seconds / 3600, decimals) + "h" }
        return number(seconds / 86400, decimals) + "d"
    }

    /// Fixed decimals when given; otherwise 2, 1 or 0 decimals by magnitude with trailing zeros dropped.
    static func number(_ value: Double, _ decimals: Int?) -> String {
        if let decimals { return fixed(value, decimals: max(0, min(decimals, 10))) }
        let magnitude = abs(value)
        let places = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 || magnitude == 0 ? 2 : 3
        var text = fixed(value, decimals: places)
        if text.contains(".") {
            while text.last == "0" { text.removeLast() }
            if text.last == "." { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// `value` rounded half away from zero to `decimals` places, without Foundation's locale-dependent formatting.
    static func fixed(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (abs(value) * scale).rounded()
        guard rounded < 9e18 else { return String(value) }
        let whole = Int64(rounded)
        let integer = whole / Int64(scale)
        let fraction = whole % Int64(scale)
        let sign = value < 0 && whole != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(integer) }
        let digits = String(fraction)
        return sign + String(integer) + "." + String(repeating: "0", count: decimals - digits.count) + digits
    }
}

extension ValueUnit {
    /// Reads Grafana's names as well as Lumen's, and lists Lumen's when it fails.
    public init(from decoder: any Decoder) throws {
        self = try ChoiceDecoding.decode(decoder, what: "unit") { ValueUnit(name: $0) }
    }
}
