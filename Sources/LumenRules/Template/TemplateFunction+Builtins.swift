/// Go text/template's predefined functions (`and` and `or` short-circuit, so the executor runs them).
extension TemplateFunction {
    static let builtins: [String: TemplateFunction] = [
        "not": TemplateFunction([.any]) { arguments, _ in .bool(!arguments[0].isTrue) },
        "len": TemplateFunction([.any]) { arguments, _ throws(TemplateFunctionError) in
            switch arguments[0] {
            case .string(let text): return .int(text.utf8.count)
            case .labels(let labels): return .int(labels.count)
            case .map(let map): return .int(map.count)
            case .list(let list): return .int(list.count)
            case .null: throw TemplateFunctionError("len of nil pointer")
            default: throw TemplateFunctionError("len of type \(arguments[0].goTypeName)")
            }
        },
        "index": TemplateFunction([.any], variadic: .any) { arguments, _ throws(TemplateFunctionError) in
            var item = arguments[0]
            if item == .null { throw TemplateFunctionError("index of untyped nil") }
            for key in arguments.dropFirst() {
                item = try index(item, by: key)
            }
            return item
        },
        "slice": TemplateFunction([.any], variadic: .any) { arguments, _ throws(TemplateFunctionError) in
            try slice(arguments[0], arguments.dropFirst())
        },
        "print": TemplateFunction([], variadic: .any) { arguments, _ in .string(GoFormat.sprint(arguments)) },
        "println": TemplateFunction([], variadic: .any) { arguments, _ in .string(GoFormat.sprintln(arguments)) },
        "printf": TemplateFunction([.string], variadic: .any) { arguments, _ in
            .string(GoFormat.sprintf(arguments[0].stringValue, Array(arguments.dropFirst())))
        },
        "html": TemplateFunction([], variadic: .any) { arguments, _ in .string(htmlEscape(joined(arguments))) },
        "js": TemplateFunction([], variadic: .any) { arguments, _ in .string(jsEscape(joined(arguments))) },
        "urlquery": TemplateFunction([], variadic: .any) { arguments, _ in .string(queryEscape(joined(arguments))) },
        "call": TemplateFunction([.any], variadic: .any) { _, _ throws(TemplateFunctionError) in
            throw TemplateFunctionError("rule templates hold no function values to call")
        },
        "eq": TemplateFunction([.any], variadic: .any) { arguments, _ throws(TemplateFunctionError) in
            .bool(try equal(arguments[0], Array(arguments.dropFirst())))
        },
        "ne": TemplateFunction([.any, .any]) { arguments, _ throws(TemplateFunctionError) in
            .bool(!(try equal(arguments[0], [arguments[1]])))
        },
        "lt": TemplateFunction([.any, .any]) { arguments, _ throws(TemplateFunctionError) in
            .bool(try less(arguments[0], arguments[1]))
        },
        "le": TemplateFunction([.any, .any]) { arguments, _ throws(TemplateFunctionError) in
            .bool(try lessOrEqual(arguments[0], arguments[1]))
        },
        "gt": TemplateFunction([.any, .any]) { arguments, _ throws(TemplateFunctionError) in
            .bool(!(try lessOrEqual(arguments[0], arguments[1])))
        },
        "ge": TemplateFunction([.any, .any]) { arguments, _ throws(TemplateFunctionError) in
            .bool(!(try less(arguments[0], arguments[1])))
        },
    ]

    // MARK: comparison, as Go's `eq` and `lt`

    private enum BasicKind { case bool, int, float, string }

    private static func basicKind(_ value: TemplateValue) -> BasicKind? {
        switch value {
        case .bool: .bool
        case .int: .int
        case .float: .float
        case .string: .string
        default: nil
        }
    }

    private static func equal(_ first: TemplateValue, _ others: [TemplateValue]) throws(TemplateFunctionError) -> Bool {
        guard !others.isEmpty else { throw TemplateFunctionError("missing argument for comparison") }
        for other in others {
            let kinds = (basicKind(first), basicKind(other))
            if kinds.0 != kinds.1 {
                if first != .null, other != .null {
                    throw TemplateFunctionError("incompatible types for comparison")
                }
                continue
            }
            guard kinds.0 != nil else {
                if first == .null || other == .null {
                    if first == other { return true }
                    continue
                }
                throw TemplateFunctionError("non-comparable type \(GoFormat.value(other)): \(other.goTypeName)")
            }
            if first == other { return true }
        }
        return false
    }

    private static func less(_ first: TemplateValue, _ second: TemplateValue) throws(TemplateFunctionError) -> Bool {
        guard let kind = basicKind(first), let secondKind = basicKind(second) else {
            throw TemplateFunctionError("invalid type for comparison")
        }
        guard kind == secondKind else { throw TemplateFunctionError("incompatible types for comparison") }
        switch (first, second) {
        case (.int(let a), .int(let b)): return a < b
        case (.float(let a), .float(let b)): return a < b
        case (.string(let a), .string(let b)): return Array(a.utf8).lexicographicallyPrecedes(b.utf8)
        default: throw TemplateFunctionError("invalid type for comparison")
        }
    }

    /// Go's `le`: `lt`, and `eq` only when `lt` neither answered true nor failed.
    private static func lessOrEqual(_ first: TemplateValue, _ second: TemplateValue) throws(TemplateFunctionError) -> Bool {
        if try less(first, second) { return true }
        return try equal(first, [second])
    }

    // MARK: index and slice

    private static func index(_ item: TemplateValue, by key: TemplateValue) throws(TemplateFunctionError) -> TemplateValue {
        switch item {
        case .list(let list):
            let position = try integerIndex(key, within: list.count)
            return list[position]
        case .string(let text):
            let bytes = Array(text.utf8)
            let position = try integerIndex(key, within: bytes.count)
            return .int(Int(bytes[position]))
        case .labels(let labels):
            guard case .string(let name) = key else {
                throw TemplateFunctionError("value has type \(key.goTypeName); should be string")
            }
            return .string(labels[name] ?? "")
        case .map(let map):
            guard case .string(let name) = key else {
                throw TemplateFunctionError("value has type \(key.goTypeName); should be string")
            }
            return map[name] ?? .null
        case .null:
            throw TemplateFunctionError("index of untyped nil")
        default:
            throw TemplateFunctionError("can't index item of type \(item.goTypeName)")
        }
    }

    private static func integerIndex(_ key: TemplateValue, within count: Int) throws(TemplateFunctionError) -> Int {
        guard case .int(let position) = key else {
            throw TemplateFunctionError("cannot index slice/array with type \(key.goTypeName)")
        }
        guard position >= 0, position < count else { throw TemplateFunctionError("index out of range: \(position)") }
        return position
    }

    private static func slice(_ item: TemplateValue, _ bounds: ArraySlice<TemplateValue>) throws(TemplateFunctionError)
        -> TemplateValue {
        let count: Int
        switch item {
        case .list(let list): count = list.count
        case .string(let text): count = text.utf8.count
        case .null: throw TemplateFunctionError("slice of untyped nil")
        default: throw TemplateFunctionError("can't slice item of type \(item.goTypeName)")
        }
        guard bounds.count <= 2 else { throw TemplateFunctionError("too many slice indexes: \(bounds.count)") }
        var indexes: [Int] = []
        for bound in bounds {
            guard case .int(let position) = bound else {
                throw TemplateFunctionError("cannot index slice/array with type \(bound.goTypeName)")
            }
            guard position >= 0, position <= count else { throw TemplateFunctionError("index out of range: \(position)") }
            indexes.append(position)
        }
        let lower = indexes.first ?? 0
        let upper = indexes.count > 1 ? indexes[1] : count
        guard lower <= upper else { throw TemplateFunctionError("invalid slice index: \(lower) > \(upper)") }
        switch item {
        case .list(let list): return .list(Array(list[lower..<upper]))
        case .string(let text): return .string(String(decoding: Array(text.utf8)[lower..<upper], as: UTF8.self))
        default: return .null
        }
    }

    // MARK: escaping

    /// `html`, `js` and `urlquery` take one string as it is, or print their arguments as `fmt.Sprint`.
    private static func joined(_ arguments: [TemplateValue]) -> String {
        if arguments.count == 1, case .string(let text) = arguments[0] { return text }
        return GoFormat.sprint(arguments)
    }

    static func htmlEscape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "&#34;"
            case "'": result += "&#39;"
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\u{0}": result += "\u{FFFD}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func jsEscape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "'": result += "\\'"
            case "\"": result += "\\\""
            case "<": result += "\\u003C"
            case ">": result += "\\u003E"
            case "&": result += "\\u0026"
            case "=": result += "\\u003D"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// `url.QueryEscape`: unreserved bytes kept, space as `+`, the rest `%XX`.
    static func queryEscape(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                 UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                result += "+"
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return result
    }
}
