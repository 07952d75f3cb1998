import LumenModel
import LumenQuery

/// A parsed promqltest script (Prometheus' `promql/promqltest` format): `load`, `clear` and `eval` commands.
public struct PromQLTestFile: Sendable {
    public var name: String
    public var commands: [(line: Int, command: PromQLTestCommand)]

    public static func parse(_ text: String, name: String) throws(QueryError) -> PromQLTestFile {
        // As promqltest does: trim every line, and a comment line counts as blank (it ends a block).
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { raw in
            let line = raw.trimmingCharacters(in: " \t\r")
            return line.hasPrefix("#") ? Substring("") : line
        }
        var commands: [(Int, PromQLTestCommand)] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let number = index + 1
            index += 1
            if line.isEmpty { continue }
            var block: [(Int, Substring)] = []
            while index < lines.count, !lines[index].isEmpty, !isCommand(lines[index]) {
                block.append((index + 1, lines[index]))
                index += 1
            }
            do {
                commands.append((number, try command(line, block)))
            } catch {
                throw QueryError("\(name):\(number): \(error.message)")
            }
        }
        return PromQLTestFile(name: name, commands: commands)
    }

    private static let keywords: Set<Substring> = [
        "load", "load_with_nhcb", "clear", "eval", "eval_fail", "eval_warn", "eval_info", "eval_ordered",
    ]

    /// A block ends at a blank line or at the next command.
    private static func isCommand(_ line: Substring) -> Bool {
        keywords.contains(line.prefix { $0 != " " && $0 != "\t" })
    }

    private static func command(_ line: Substring, _ block: [(Int, Substring)]) throws(QueryError) -> PromQLTestCommand {
        let words = line.split(separator: " ", omittingEmptySubsequences: true)
        switch words.first {
        case "clear": return .clear
        case "load", "load_with_nhcb":
            guard words.count == 2, let interval = time(words[1]) else {
                throw QueryError("expected load <interval>, like load 1m")
            }
            // A series given twice in one load: the later values win, as in promqltest.
            var series: [(Labels, [Double?])] = []
            var position: [Labels: Int] = [:]
            var histograms = words[0] == "load_with_nhcb"
            var histogramMetrics = Set<String>()
            for (_, entry) in block {
                let (labels, rest) = try splitSeries(entry)
                if SeriesNotation.hasHistograms(rest) {
                    histograms = true
                    if let name = try labelSet(labels).metricName { histogramMetrics.insert(name) }
                    continue
                }
                let labelSet = try labelSet(labels)
                let values = try SeriesNotation.values(rest)
                if let existing = position[labelSet] {
                    var merged = series[existing].1
                    for (offset, value) in values.enumerated() {
                        if offset >= merged.count { merged.append(value) } else if let value { merged[offset] = value }
                    }
                    series[existing].1 = merged
                } else {
                    position[labelSet] = series.count
                    series.append((labelSet, values))
                }
                // load_with_nhcb also makes a native histogram named without `_bucket`.
                if words[0] == "load_with_nhcb", let name = labelSet.metricName, name.hasSuffix("_bucket") {
                    histogramMetrics.insert(String(name.dropLast(7)))
                }
            }
            return .load(interval: interval, series: series, hasHistograms: histograms, histogramMetrics: histogramMetrics)
        case let word? where word.hasPrefix("eval"):
            return .eval(try eval(line, block))
        default:
            throw QueryError("unknown command \"\(words.first ?? "")\": expected load, clear or eval")
        }
    }

    private static func eval(_ line: Substring, _ block: [(Int, Substring)]) throws(QueryError) -> PromQLEval {
        var rest = line
        let keyword = word(&rest)
        let mode: PromQLEval.Mode
        switch word(&rest) {
        case "instant":
            guard word(&rest) == "at", let at = time(word(&rest)) else {
                throw QueryError("expected eval instant at <time> <expr>")
            }
            mode = .instant(at)
        case "range":
            guard word(&rest) == "from", let start = time(word(&rest)), word(&rest) == "to",
                let end = time(word(&rest)), word(&rest) == "step", let step = time(word(&rest))
            else {
                throw QueryError("expected eval range from <time> to <time> step <duration> <expr>")
            }
            mode = .range(start: start, end: end, step: step)
        default:
            throw QueryError("expected eval instant … or eval range …")
        }
        var eval = PromQLEval(line: 0, expression: String(rest.trimmingCharacters(in: " ")), mode: mode)
        switch keyword {
        case "eval_fail": eval.expectFailure = true
        case "eval_ordered": eval.ordered = true
        case "eval_warn", "eval_info": eval.uncheckedAnnotations += 1
        default: break
        }
        for (_, entry) in block {
            if entry.hasPrefix("expect ") || entry.hasPrefix("expected_fail_") {
                try expectation(entry, into: &eval)
                continue
            }
            if SeriesNotation.hasHistograms(entry) {
                eval.unsupported = "native histograms"
                continue
            }
            let items = entry.split(whereSeparator: \.isWhitespace)
            if items.count == 1, let scalar = try? SeriesNotation.number(items[0]) {
                eval.expectedScalar = scalar
                continue
            }
            let (labels, values) = try splitSeries(entry)
            eval.expected.append(.init(labels: try labelSet(labels), values: try SeriesNotation.values(values)))
        }
        return eval
    }

    private static func expectation(_ entry: Substring, into eval: inout PromQLEval) throws(QueryError) {
        var rest = entry
        let first = word(&rest)
        if first == "expected_fail_message" {
            eval.expectFailure = true
            eval.failureMessage = String(rest.trimmingCharacters(in: " "))
            return
        }
        if first == "expected_fail_regexp" {
            eval.expectFailure = true
            eval.failureRegex = String(rest.trimmingCharacters(in: " "))
            return
        }
        let kind = word(&rest)
        let detail = rest.trimmingCharacters(in: " ")
        switch kind {
        case "fail":
            eval.expectFailure = true
            if detail.hasPrefix("msg:") {
                eval.failureMessage = unquote(detail.dropFirst(4).trimmingCharacters(in: " "))
            } else if detail.hasPrefix("regex:") {
                eval.failureRegex = unquote(detail.dropFirst(6).trimmingCharacters(in: " "))
            }
        case "ordered": eval.ordered = true
        case "warn", "info": eval.uncheckedAnnotations += 1
        case "no_warn", "no_info": break
        case "string":
            eval.expectedString = unquote(detail)
        case "range":
            var words = detail
            guard word(&words) == "vector", word(&words) == "from", let start = time(word(&words)),
                word(&words) == "to", time(word(&words)) != nil, word(&words) == "step", let step = time(word(&words)),
                step > 0
            else {
                throw QueryError("expected expect range vector from <time> to <time> step <duration>")
            }
            eval.rangeVector = (start, step)
        default:
            throw QueryError("unknown expectation \"expect \(kind)\"")
        }
    }

    private static func unquote(_ text: some StringProtocol) -> String {
        let text = String(text)
        guard text.count >= 2, let first = text.first, first == "\"" || first == "`", text.last == first else {
            return text
        }
        return String(text.dropFirst().dropLast())
    }

    private static func word(_ text: inout Substring) -> Substring {
        text = text.drop { $0 == " " || $0 == "\t" }
        let result = text.prefix { $0 != " " && $0 != "\t" }
        text = text.dropFirst(result.count)
        return result
    }

    /// `0`, `10s`, `1h30m`, or a number of seconds.
    static func time(_ text: Substring) -> Int64? {
        if let seconds = Double(text) { return Int64(exactly: (seconds * 1e9).rounded()) }
        if text.hasPrefix("-"), let duration = DurationText.parse(text.dropFirst()) { return -duration }
        return DurationText.parse(text)
    }

    /// The series description (`name{a="b"}`) and the rest of the line.
    private static func splitSeries(_ line: Substring) throws(QueryError) -> (Substring, Substring) {
        var quote: Character?
        var sawBrace = false
        for index in line.indices {
            let character = line[index]
            if let open = quote {
                if character == open { quote = nil }
                continue
            }
            switch character {
            case "\"", "'", "`": quote = character
            case "{": sawBrace = true
            case "}": return (line[...index], line[line.index(after: index)...])
            case " " where !sawBrace, "\t" where !sawBrace: return (line[..<index], line[index...])
            default: break
            }
        }
        throw QueryError("expected a series like name{label=\"value\"} followed by values")
    }

    public static func labelSet(_ text: Substring) throws(QueryError) -> Labels {
        let tokens = try Lexer.tokenize(String(text))
        var labels: [Label] = []
        var index = 0
        if case .identifier(let name) = tokens[index].kind {
            labels.append(Label(Labels.metricName, name))
            index += 1
        }
        guard tokens[index].kind == .symbol("{") else {
            guard tokens[index].kind == .end else { throw QueryError("invalid series \"\(text)\"") }
            return Labels(labels)
        }
        index += 1
        while tokens[index].kind != .symbol("}") {
            let name: String
            switch tokens[index].kind {
            case .identifier(let text), .string(let text): name = text
            default: throw QueryError("invalid series \"\(text)\"")
            }
            if tokens[index + 1].kind == .symbol(",") || tokens[index + 1].kind == .symbol("}") {
                labels.append(Label(Labels.metricName, name))
                index += tokens[index + 1].kind == .symbol(",") ? 2 : 1
                continue
            }
            guard tokens[index + 1].kind == .symbol("="), case .string(let value) = tokens[index + 2].kind else {
                throw QueryError("invalid label in series \"\(text)\"")
            }
            labels.append(Label(name, value))
            index += 3
            if tokens[index].kind == .symbol(",") { index += 1 }
        }
        return Labels(labels)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var result = self
        while let first = result.first, set.contains(first) { result = result.dropFirst() }
        while let last = result.last, set.contains(last) { result = result.dropLast() }
        return result
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> Substring { Substring(self).trimmingCharacters(in: set) }
}
