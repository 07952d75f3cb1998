/// Escapes (`\n`, `\x{1F600}`, `\d`, `\pL`, `\Q…\E`) and bracketed classes (`[^a-z\d[:punct:]]`).
extension RegexSyntax {
    mutating func escape() throws(RegexSyntaxError) -> RegexNode {
        switch peek(1) {
        case "A": position += 2; return .assertion(.beginText)
        case "z": position += 2; return .assertion(.endText)
        case "b": position += 2; return .assertion(.wordBoundary)
        case "B": position += 2; return .assertion(.notWordBoundary)
        case "Q":
            position += 2
            var nodes: [RegexNode] = []
            while position < scalars.count && !(scalars[position] == "\\" && peek(1) == "E") {
                nodes.append(literal(scalars[position].value))
                position += 1
            }
            if position < scalars.count { position += 2 }
            return Self.concatenation(nodes)
        default:
            var set = RegexCharacterSet()
            if try classEscape(into: &set) {
                set.foldsCase = flags.caseInsensitive
                return .set(set)
            }
            return literal(try escapedScalar())
        }
    }

    /// `\d \D \w \W \s \S \pX \p{Name} \PX` at `position`, added to `set`; false (nothing consumed) otherwise.
    private mutating func classEscape(into set: inout RegexCharacterSet) throws(RegexSyntaxError) -> Bool {
        let start = position
        guard let letter = peek(1) else { return false }
        let perl: [Unicode.Scalar: [ClosedRange<UInt32>]] = ["d": RegexCharacterSet.digit,
                                                             "w": RegexCharacterSet.word, "s": RegexCharacterSet.space]
        if let ranges = perl[letter] {
            for range in ranges { set.insert(range) }
        } else if letter.isASCII, letter.properties.isUppercase,
                  let ranges = perl[Unicode.Scalar(letter.value + 0x20)!] {  // \D \W \S
            set.insertComplement(of: ranges)
        } else if letter == "p" || letter == "P" {
            position += 2
            var name: String
            if peek() == "{" {
                let open = position + 1
                while position < scalars.count, scalars[position] != "}" { position += 1 }
                guard position < scalars.count else { throw error(.invalidUnicodeClass, from: start, to: scalars.count) }
                name = String(String.UnicodeScalarView(scalars[open..<position]))
            } else {
                guard position < scalars.count else { throw error(.invalidUnicodeClass, from: start, to: position) }
                name = String(scalars[position])
            }
            position += 1
            var negated = letter == "P"
            if name.hasPrefix("^") {
                negated.toggle()
                name.removeFirst()
            }
            guard let categories = RegexCharacterSet.unicodeCategories(name) else {
                throw error(.invalidUnicodeClass, from: start, to: position)
            }
            set.insert(.init(categories: categories, negated: negated))
            return true
        } else {
            return false
        }
        position += 2
        return true
    }

    /// One scalar written as an escape: `\n`, `\x41`, `\x{1F600}`, `\101` (octal), `\.` (punctuation).
    private mutating func escapedScalar() throws(RegexSyntaxError) -> UInt32 {
        let start = position
        position += 1
        guard position < scalars.count else { throw error(.invalidEscape, from: start, to: position) }
        let letter = scalars[position]
        position += 1
        switch letter {
        case "a": return 0x07
        case "f": return 0x0C
        case "t": return 0x09
        case "n": return 0x0A
        case "r": return 0x0D
        case "v": return 0x0B
        case "x": return try hexEscape(from: start)
        case "0"..."7" where letter == "0" || (peek().map { ("0"..."7").contains($0) } ?? false):
            var value = letter.value - 0x30
            for _ in 0..<2 {
                guard let digit = peek(), ("0"..."7").contains(digit) else { break }
                value = value * 8 + digit.value - 0x30
                position += 1
            }
            return value
        case "1"..."9": throw error(.backreference, from: start, to: position)
        case "!"..."/", ":"..."@", "["..."`", "{"..."~": return letter.value
        default: throw error(.invalidEscape, from: start, to: position)
        }
    }

    private mutating func hexEscape(from start: Int) throws(RegexSyntaxError) -> UInt32 {
        var digits: [Unicode.Scalar] = []
        if peek() == "{" {
            position += 1
            while let digit = peek(), digit != "}" { digits.append(digit); position += 1 }
            guard peek() == "}", !digits.isEmpty, digits.count <= 8 else {
                throw error(.invalidEscape, from: start, to: Swift.min(position + 1, scalars.count))
            }
            position += 1
        } else {
            for _ in 0..<2 {
                guard let digit = peek() else { throw error(.invalidEscape, from: start, to: position) }
                digits.append(digit)
                position += 1
            }
        }
        var value: UInt32 = 0
        for digit in digits {
            guard let nibble = Self.hexValue(digit) else { throw error(.invalidEscape, from: start, to: position) }
            value = value * 16 + nibble
        }
        guard value <= RegexCharacterSet.maxScalar else { throw error(.invalidEscape, from: start, to: position) }
        return value
    }

    private static func hexValue(_ digit: Unicode.Scalar) -> UInt32? {
        switch digit {
        case "0"..."9": digit.value - 0x30
        case "A"..."F": digit.value - 0x41 + 10
        case "a"..."f": digit.value - 0x61 + 10
        default: nil
        }
    }

    /// `[...]` at `position`: `]` first is a literal, `-` first or last is a literal.
    mutating func characterClass() throws(RegexSyntaxError) -> RegexNode {
        let start = position
        position += 1
        var set = RegexCharacterSet()
        if peek() == "^" {
            set.negated = true
            position += 1
        }
        var first = true
        while true {
            guard let scalar = peek() else { throw error(.missingBracket, from: start, to: scalars.count) }
            if scalar == "]" && !first {
                position += 1
                break
            }
            first = false
            if scalar == "[" && peek(1) == ":", try posixClass(into: &set) { continue }
            if scalar == "\\", try classEscape(into: &set) { continue }
            let rangeStart = position
            let low = try classScalar()
            var high = low
            if peek() == "-", let next = peek(1), next != "]" {
                position += 1
                high = try classScalar()
                guard low <= high else { throw error(.invalidCharacterRange, from: rangeStart, to: position) }
            }
            set.insert(low...high)
        }
        set.foldsCase = flags.caseInsensitive
        return .set(set)
    }

    private mutating func classScalar() throws(RegexSyntaxError) -> UInt32 {
        guard let scalar = peek() else { throw error(.missingBracket, from: 0, to: scalars.count) }
        if scalar == "\\" { return try escapedScalar() }
        position += 1
        return scalar.value
    }

    /// `[:alpha:]` or `[:^alpha:]` at `position`; false (nothing consumed) when there is no closing `:]`.
    private mutating func posixClass(into set: inout RegexCharacterSet) throws(RegexSyntaxError) -> Bool {
        let start = position
        var cursor = position + 2
        while cursor + 1 < scalars.count, !(scalars[cursor] == ":" && scalars[cursor + 1] == "]") { cursor += 1 }
        guard cursor + 1 < scalars.count else { return false }
        var name = String(String.UnicodeScalarView(scalars[(position + 2)..<cursor]))
        let negated = name.hasPrefix("^")
        if negated { name.removeFirst() }
        position = cursor + 2
        guard let ranges = RegexCharacterSet.posix(name) else {
            throw error(.invalidCharacterRange, from: start, to: position)
        }
        if negated { set.insertComplement(of: ranges) } else { for range in ranges { set.insert(range) } }
        return true
    }
}
