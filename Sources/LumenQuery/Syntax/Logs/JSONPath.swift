/// A path into a JSON line, as Loki's `| json name="expression"` reads it: `a.b`, `a["key with space"]`,
/// `items[0]`, `["a"]["b"]`, `pod.params[0].name`. A quoted key runs to the next `"` or `]` (no escapes),
/// an index is a non-negative integer, whitespace between parts is ignored.
public struct JSONPath: Equatable, Sendable {
    public enum Step: Equatable, Sendable {
        case key(String)
        case index(Int)
    }

    public let text: String
    public let steps: [Step]

    public init(_ text: String) throws(QueryError) {
        self.text = text
        var scanner = Scanner(scalars: Array(text.unicodeScalars))
        var steps: [Step] = []
        while let token = try scanner.next() {
            switch token {
            case .field(let name) where steps.isEmpty:
                steps.append(.key(name))
            case .dot where !steps.isEmpty:
                guard case .field(let name)? = try scanner.next() else {
                    throw QueryError("invalid JSON path \"\(text)\": expected a field name after \".\"")
                }
                steps.append(.key(name))
            case .open:
                let inner = try scanner.next()
                guard try scanner.next() == .close else {
                    throw QueryError("invalid JSON path \"\(text)\": expected \"]\"")
                }
                switch inner {
                case .string(let key)?: steps.append(.key(key))
                case .index(let index)?: steps.append(.index(index))
                default: throw QueryError("invalid JSON path \"\(text)\": expected a quoted key or an index in [ ]")
                }
            default:
                throw QueryError("invalid JSON path \"\(text)\": unexpected \(token)")
            }
        }
        guard !steps.isEmpty else { throw QueryError("empty JSON path") }
        self.steps = steps
    }

    private enum Token: Equatable, CustomStringConvertible {
        case dot, open, close
        case field(String)
        case string(String)
        case index(Int)

        var description: String {
            switch self {
            case .dot: "\".\""
            case .open: "\"[\""
            case .close: "\"]\""
            case .field(let name): "field \(name)"
            case .string(let key): "key \"\(key)\""
            case .index(let index): "index \(index)"
            }
        }
    }

    private struct Scanner {
        let scalars: [Unicode.Scalar]
        var position = 0

        mutating func next() throws(QueryError) -> Token? {
            while position < scalars.count, [" ", "\t", "\n"].contains(scalars[position]) { position += 1 }
            guard position < scalars.count else { return nil }
            let scalar = scalars[position]
            position += 1
            switch scalar {
            case ".": return .dot
            case "[": return .open
            case "]": return .close
            case "\"":
                var key = ""
                while position < scalars.count, scalars[position] != "\"", scalars[position] != "]" {
                    key.unicodeScalars.append(scalars[position])
                    position += 1
                }
                if position < scalars.count, scalars[position] == "\"" { position += 1 }
                return .string(key)
            case "0"..."9":
                var digits = String(scalar)
                while position < scalars.count, ("0"..."9").contains(scalars[position]) {
                    digits.unicodeScalars.append(scalars[position])
                    position += 1
                }
                guard let index = Int(digits) else { throw QueryError("JSON path index \(digits) is too large") }
                if position < scalars.count, !["]", ".", " ", "\t", "\n"].contains(scalars[position]) {
                    throw QueryError("JSON path index \(digits) must be an integer")
                }
                return .index(index)
            case "a"..."z", "A"..."Z", "_":
                var name = String(scalar)
                while position < scalars.count, Self.isIdentifier(scalars[position]) {
                    name.unicodeScalars.append(scalars[position])
                    position += 1
                }
                return .field(name)
            default:
                throw QueryError("invalid JSON path: unexpected character \"\(scalar)\"")
            }
        }

        private static func isIdentifier(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
        }
    }
}
