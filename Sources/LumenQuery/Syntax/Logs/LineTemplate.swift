import LumenModel

/// The template of `| line_format` and `| label_format`: the part of Go's text/template that LogQL queries use.
///
/// Text with actions `{{ .name }}`, `{{ __line__ }}`, `{{ __timestamp__ }}`, `{{ "text" }}`, each optionally
/// piped through functions: `{{ .path | ToUpper }}`, `{{ ToLower .level }}`, `{{ default "-" .user }}`,
/// `{{ .msg | trunc 20 }}`. `{{-` and `-}}` trim the whitespace beside them, as in Go. A missing label reads as
/// "". Control structures (`if`, `range`, `with`) are refused with an error rather than rendered wrongly.
public struct LineTemplate: Equatable, Sendable {
    public let text: String
    private let parts: [Part]

    private enum Part: Equatable, Sendable {
        case literal(String)
        case action(Operand, [Function])
    }

    private enum Operand: Equatable, Sendable {
        case field(String)
        case line
        case timestamp
        case literal(String)
    }

    private struct Function: Equatable, Sendable {
        var name: String
        /// Literal arguments written before the piped value: `trunc 20`, `default "-"`.
        var arguments: [String]
    }

    /// Functions and how many literal arguments each takes before the value.
    private static let functions: [String: Int] = [
        "ToUpper": 0, "upper": 0, "ToLower": 0, "lower": 0, "title": 0, "Title": 0, "TrimSpace": 0, "trim": 0,
        "default": 1, "trunc": 1, "trimPrefix": 1, "trimSuffix": 1, "replace": 2,
    ]

    public init(_ text: String) throws(QueryError) {
        self.text = text
        var parts: [Part] = []
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            var literal = String(rest[..<open.lowerBound])
            var inside = rest[open.upperBound...]
            if inside.hasPrefix("-") {
                inside = inside.dropFirst()
                literal = String(literal.reversed().drop { $0.isWhitespace }.reversed())
            }
            guard let close = inside.range(of: "}}") else {
                throw QueryError("unclosed action in template \"\(text)\": expected }}")
            }
            var action = inside[..<close.lowerBound]
            rest = inside[close.upperBound...]
            if action.hasSuffix("-") {
                action = action.dropLast()
                rest = rest.drop { $0.isWhitespace }
            }
            if !literal.isEmpty { parts.append(.literal(literal)) }
            parts.append(try Self.action(String(action), in: text))
        }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        self.parts = parts
    }

    /// The text with each action's value; `value` looks a label up by name.
    public func render(line: String, time: Int64, value: (String) -> String?) -> String {
        var result = ""
        for part in parts {
            switch part {
            case .literal(let literal): result += literal
            case .action(let operand, let functions):
                var text: String = switch operand {
                case .field(let name): value(name) ?? ""
                case .line: line
                case .timestamp: Self.rfc3339(time)
                case .literal(let literal): literal
                }
                for function in functions { text = Self.apply(function, to: text) }
                result += text
            }
        }
        return result
    }

    // MARK: Parsing an action

    private static func action(_ source: String, in text: String) throws(QueryError) -> Part {
        let commands = try words(source, in: text).split(separator: "|", omittingEmptySubsequences: false)
        guard let first = commands.first, let head = first.first else {
            throw QueryError("empty action {{}} in template \"\(text)\"")
        }
        var functions: [Function] = []
        let operand: Operand
        if let known = try? self.operand(head, in: text) {
            guard first.count == 1 else {
                throw QueryError("unexpected \"\(first[first.startIndex + 1])\" after \(head) in template \"\(text)\"")
            }
            operand = known
        } else {
            // `ToUpper .name`: a function call whose last argument is the value.
            guard first.count >= 2 else { throw QueryError(unknownFunction(head, in: text)) }
            operand = try self.operand(first[first.endIndex - 1], in: text)
            functions.append(try function(Array(first.dropLast()), in: text))
        }
        for command in commands.dropFirst() { functions.append(try function(Array(command), in: text)) }
        return .action(operand, functions)
    }

    private static func operand(_ word: String, in text: String) throws(QueryError) -> Operand {
        if word.hasPrefix("\""), word.hasSuffix("\""), word.count >= 2 { return .literal(String(word.dropFirst().dropLast())) }
        if word == "__line__" { return .line }
        if word == "__timestamp__" { return .timestamp }
        if word.hasPrefix("."), word.count > 1, LabelName.sanitize(String(word.dropFirst())) == word.dropFirst() {
            return .field(String(word.dropFirst()))
        }
        throw QueryError("unexpected \"\(word)\" in template \"\(text)\": use .label, __line__, __timestamp__ or "
            + "a quoted string")
    }

    private static func function(_ words: [String], in text: String) throws(QueryError) -> Function {
        guard let name = words.first, let arity = functions[name] else {
            throw QueryError(unknownFunction(words.first ?? "", in: text))
        }
        let arguments = words.dropFirst().map { word in
            word.hasPrefix("\"") && word.hasSuffix("\"") && word.count >= 2 ? String(word.dropFirst().dropLast()) : word
        }
        guard arguments.count == arity else {
            throw QueryError("\(name) takes \(arity) argument\(arity == 1 ? "" : "s") before its value in template "
                + "\"\(text)\"")
        }
        if name == "trunc", Int(arguments[0]) == nil {
            throw QueryError("trunc takes a whole number, not \"\(arguments[0])\", in template \"\(text)\"")
        }
        return Function(name: name, arguments: arguments)
    }

    private static func unknownFunction(_ name: String, in text: String) -> String {
        if ["if", "else", "end", "range", "with", "define", "template", "block"].contains(name) {
            return "template \"\(text)\" uses {{\(name)}}: control structures are not supported; use label filters"
        }
        return "unknown function \"\(name)\" in template \"\(text)\"; use one of "
            + functions.keys.sorted().joined(separator: ", ")
    }

    /// The action's words: quoted strings whole (with their quotes), `|` alone.
    private static func words(_ source: String, in text: String) throws(QueryError) -> [String] {
        var words: [String] = []
        var scalars = source.unicodeScalars[...]
        while let first = scalars.first {
            if first.properties.isWhitespace {
                scalars.removeFirst()
            } else if first == "|" {
                words.append("|")
                scalars.removeFirst()
            } else if first == "\"" || first == "`" {
                scalars.removeFirst()
                var word = "\""
                var closed = false
                while let next = scalars.popFirst() {
                    if next == first { closed = true; break }
                    if next == "\\", first == "\"", let escaped = scalars.popFirst() {
                        word.unicodeScalars.append(escaped == "n" ? "\n" : escaped == "t" ? "\t" : escaped)
                    } else {
                        word.unicodeScalars.append(next)
                    }
                }
                guard closed else { throw QueryError("unterminated string in template \"\(text)\"") }
                words.append(word + "\"")
            } else {
                var word = ""
                while let next = scalars.first, !next.properties.isWhitespace, next != "|" {
                    word.unicodeScalars.append(next)
                    scalars.removeFirst()
                }
                words.append(word)
            }
        }
        return words
    }

    // MARK: Functions

    /// Nanoseconds since the epoch as RFC 3339 in UTC, with the fraction's digits that are not zero.
    static func rfc3339(_ time: Int64) -> String {
        let second = Timestamp.nanosecondsPerSecond
        let day = 86_400 * second
        let ofDay = (time % day + day) % day
        let days = (time - ofDay) / day
        let date = CivilCalendar.date(days: Int(days))
        let seconds = ofDay / second
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var text = "\(date.year)-\(two(Int64(date.month)))-\(two(Int64(date.day)))T\(two(seconds / 3600)):"
            + "\(two(seconds / 60 % 60)):\(two(seconds % 60))"
        let fraction = ofDay % second
        if fraction > 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 9 - digits.count) + digits
            text += "." + digits.reversed().drop { $0 == "0" }.reversed()
        }
        return text + "Z"
    }

    private static func apply(_ function: Function, to text: String) -> String {
        switch function.name {
        case "ToUpper", "upper": return text.uppercased()
        case "ToLower", "lower": return text.lowercased()
        case "title", "Title":
            return text.split(separator: " ", omittingEmptySubsequences: false)
                .map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
        case "TrimSpace", "trim":
            return String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
        case "default": return text.isEmpty ? function.arguments[0] : text
        case "trunc":
            let count = Int(function.arguments[0]) ?? 0
            return count >= 0 ? String(text.prefix(count)) : String(text.suffix(-count))
        case "trimPrefix": return text.hasPrefix(function.arguments[0]) ? String(text.dropFirst(function.arguments[0].count)) : text
        case "trimSuffix": return text.hasSuffix(function.arguments[0]) ? String(text.dropLast(function.arguments[0].count)) : text
        case "replace": return text.replacing(function.arguments[0], with: function.arguments[1])
        default: return text
        }
    }
}
