import LumenModel

/// Parses StatsD datagrams (Etsy's format with DogStatsD's tags): one metric per line, lines separated by
/// `\n` (`\r\n` accepted). A malformed line is counted and skipped; the others are kept, because a UDP sender
/// never learns about errors and one bad line must not lose its neighbours. Pure and thread-safe.
///
/// Sections after the type: `@rate` (0 < rate ≤ 1) and `#tags`; others (DogStatsD's `c:` container ID,
/// `T` timestamp) are ignored, as DogStatsD servers do with sections they do not know. Invalid UTF-8 is
/// replaced with U+FFFD.
public enum StatsDParser {
    public static func parse(_ datagram: [UInt8]) -> (metrics: [StatsDMetric], malformed: Int, firstError: String?) {
        var metrics: [StatsDMetric] = []
        var malformed = 0
        var firstError: String?
        for (index, rawLine) in datagram.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .enumerated()
        {
            var line = rawLine[...]
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
            switch parseLine(String(decoding: line, as: UTF8.self)) {
            case .success(let metric):
                metrics.append(metric)
            case .failure(let error):
                malformed += 1
                if firstError == nil { firstError = "line \(index + 1): \(error.message)" }
            }
        }
        return (metrics, malformed, firstError)
    }

    struct Failure: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    static func parseLine(_ line: String) -> Result<StatsDMetric, Failure> {
        guard let colon = line.firstIndex(of: ":") else {
            return .failure(Failure("\(quoted(line)) has no \":\"; expected name:value|type"))
        }
        let name = String(line[..<colon])
        guard !name.isEmpty else { return .failure(Failure("\(quoted(line)) has an empty metric name")) }
        let sections = line[line.index(after: colon)...].split(separator: "|", omittingEmptySubsequences: false)
        guard sections.count >= 2 else {
            return .failure(Failure("\(quoted(line)) has no type; expected name:value|type"))
        }
        let valueText = String(sections[0])
        let type: StatsDMetric.MetricType
        switch sections[1] {
        case "c": type = .counter
        case "g": type = .gauge(delta: valueText.hasPrefix("+") || valueText.hasPrefix("-"))
        case "ms": type = .timer
        case "h": type = .histogram
        case "d": type = .distribution
        case "s": type = .set
        default:
            return .failure(Failure("\(quoted(line)): unknown type \(quoted(sections[1])); expected c, g, ms, h, d or s"))
        }
        let value: StatsDMetric.Value
        if type == .set {
            guard !valueText.isEmpty else { return .failure(Failure("\(quoted(line)): a set member must not be empty")) }
            value = .member(valueText)
        } else {
            guard let number = number(valueText) else {
                return .failure(Failure("\(quoted(line)): value \(quoted(valueText)) is not a finite number"))
            }
            value = .number(number)
        }
        var sampleRate = 1.0
        var tags: [Label] = []
        for section in sections.dropFirst(2) {
            if section.hasPrefix("@") {
                guard let rate = number(String(section.dropFirst())), rate > 0, rate <= 1 else {
                    return .failure(Failure("\(quoted(line)): sample rate \(quoted(section)) must be in (0, 1]"))
                }
                sampleRate = rate
            } else if section.hasPrefix("#") {
                for tag in section.dropFirst().split(separator: ",") {
                    guard let separator = tag.firstIndex(of: ":") else { continue }
                    let key = String(tag[..<separator])
                    let tagValue = String(tag[tag.index(after: separator)...])
                    if !key.isEmpty, !tagValue.isEmpty { tags.append(Label(key, tagValue)) }
                }
            }
        }
        return .success(StatsDMetric(name: name, value: value, type: type, sampleRate: sampleRate, tags: tags))
    }

    /// A decimal number (`12`, `-0.5`, `+3`, `1e3`); not Swift's other spellings (`inf`, `nan`, `0x1p3`).
    private static func number(_ text: String) -> Double? {
        guard !text.isEmpty,
            text.utf8.allSatisfy({ (0x30...0x39).contains($0) || $0 == 0x2e || $0 == 0x2b || $0 == 0x2d || $0 == 0x65 || $0 == 0x45 }),
            let value = Double(text), value.isFinite
        else { return nil }
        return value
    }

    private static func quoted(_ text: some StringProtocol) -> String {
        let short = text.count > 80 ? String(text.prefix(80)) + "…" : String(text)
        return "\"" + short + "\""
    }
}
