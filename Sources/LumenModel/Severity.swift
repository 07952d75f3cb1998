/// A log record's severity: OpenTelemetry's number (1–24, 0 unspecified) and the text the source gave.
public struct Severity: Hashable, Sendable {
    public var number: UInt8
    public var text: String

    public init(number: UInt8 = 0, text: String = "") {
        self.number = min(number, 24)
        self.text = text
    }

    public init(_ level: Level) {
        self.init(number: level.lowestNumber, text: level.name.uppercased())
    }

    public var level: Level { Level(number: number) }

    /// The six ranges of OpenTelemetry's severity numbers, ordered so that `warn < error`.
    public enum Level: Int, Comparable, Hashable, Sendable, CaseIterable {
        case unspecified = 0, trace, debug, info, warn, error, fatal

        public init(number: UInt8) {
            self = number == 0 ? .unspecified : Level(rawValue: (Int(min(number, 24)) - 1) / 4 + 1)!
        }

        /// Accepts the usual spellings: `warn`, `warning`, `err`, `critical` …, any case.
        public init?(name: String) {
            switch name.lowercased() {
            case "unspecified", "": self = .unspecified
            case "trace": self = .trace
            case "debug": self = .debug
            case "info", "information", "notice": self = .info
            case "warn", "warning": self = .warn
            case "error", "err": self = .error
            case "fatal", "critical", "crit", "emergency", "emerg", "alert": self = .fatal
            default: return nil
            }
        }

        public var name: String {
            switch self {
            case .unspecified: "unspecified"
            case .trace: "trace"
            case .debug: "debug"
            case .info: "info"
            case .warn: "warn"
            case .error: "error"
            case .fatal: "fatal"
            }
        }

        /// The first severity number of the range (`info` → 9).
        public var lowestNumber: UInt8 { self == .unspecified ? 0 : UInt8((rawValue - 1) * 4 + 1) }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }
}
