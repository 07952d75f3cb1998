/// A set of Unicode scalars one regex step may consume: a class `[a-z\d]`, `.`, `\w`, a case-folded literal.
/// Ranges are kept sorted and merged; Unicode general categories (`\pL`) are tested through the scalar's
/// properties; case folding is applied when matching, so `(?i)[a-z]` needs no table.
struct RegexCharacterSet: Hashable, Sendable {
    static let maxScalar: UInt32 = 0x10FFFF

    private(set) var ranges: [ClosedRange<UInt32>] = []
    /// Unicode categories in the set: each item matches a scalar whose category is (or, negated, is not) listed.
    private(set) var categories: [CategoryItem] = []
    var negated = false
    var foldsCase = false

    struct CategoryItem: Hashable, Sendable {
        let categories: Set<Unicode.GeneralCategory>
        let negated: Bool
    }

    init() {}

    init(_ ranges: [ClosedRange<UInt32>], negated: Bool = false) {
        for range in ranges { insert(range) }
        self.negated = negated
    }

    static let newline: UInt32 = 0x0A
    static let any = RegexCharacterSet([0...maxScalar])
    static let anyExceptNewline = RegexCharacterSet([0...newline - 1, newline + 1...maxScalar])
    static let digit: [ClosedRange<UInt32>] = [0x30...0x39]
    static let word: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
    static let space: [ClosedRange<UInt32>] = [0x09...0x0A, 0x0C...0x0D, 0x20...0x20]

    mutating func insert(_ range: ClosedRange<UInt32>) {
        var merged = range
        var kept: [ClosedRange<UInt32>] = []
        kept.reserveCapacity(ranges.count + 1)
        for existing in ranges {
            if existing.upperBound &+ 1 < merged.lowerBound || merged.upperBound &+ 1 < existing.lowerBound {
                kept.append(existing)
            } else {
                merged = min(existing.lowerBound, merged.lowerBound)...max(existing.upperBound, merged.upperBound)
            }
        }
        kept.append(merged)
        ranges = kept.sorted { $0.lowerBound < $1.lowerBound }
    }

    /// Adds the complement of `excluded` (for `\D`, `\W`, `\S`, `[:^alpha:]` inside a class).
    mutating func insertComplement(of excluded: [ClosedRange<UInt32>]) {
        var next: UInt32 = 0
        for range in excluded.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if range.lowerBound > next { insert(next...range.lowerBound - 1) }
            next = range.upperBound + 1
        }
        if next <= Self.maxScalar { insert(next...Self.maxScalar) }
    }

    mutating func insert(_ item: CategoryItem) { categories.append(item) }

    /// The one scalar this set holds, when it is a plain literal.
    var singleScalar: UInt32? {
        guard !negated, !foldsCase, categories.isEmpty, ranges.count == 1, ranges[0].count == 1 else { return nil }
        return ranges[0].lowerBound
    }

    func contains(_ scalar: UInt32) -> Bool {
        var found = holds(scalar)
        if !found && foldsCase { found = holdsFolded(scalar) }
        return found != negated
    }

    private func holdsFolded(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x6B, 0x73: break  // `k` and `s` have a non-ASCII variant too
        case 0x41...0x5A, 0x61...0x7A: return holds(scalar ^ 0x20)
        case ..<0x80: return false
        default: break
        }
        return Self.caseVariants(of: scalar).contains(where: holds)
    }

    private func holds(_ scalar: UInt32) -> Bool {
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < scalar { low = middle + 1 } else { high = middle }
        }
        if low < ranges.count && ranges[low].contains(scalar) { return true }
        guard !categories.isEmpty, let unicode = Unicode.Scalar(scalar) else { return false }
        let category = unicode.properties.generalCategory
        return categories.contains { $0.categories.contains(category) != $0.negated }
    }

    /// The other scalars equal to `scalar` ignoring case (simple, one-scalar mappings, as RE2 folds).
    static func caseVariants(of scalar: UInt32) -> [UInt32] {
        if scalar < 0x80 {
            switch scalar {
            case 0x41...0x5A: return [scalar + 0x20]
            case 0x61...0x7A:
                // `k` and `s` also fold to the Kelvin sign and the long s.
                if scalar == 0x6B { return [0x4B, 0x212A] }
                if scalar == 0x73 { return [0x53, 0x17F] }
                return [scalar - 0x20]
            default: return []
            }
        }
        guard let unicode = Unicode.Scalar(scalar) else { return [] }
        var variants: [UInt32] = []
        for mapping in [unicode.properties.lowercaseMapping, unicode.properties.uppercaseMapping,
                        unicode.properties.titlecaseMapping] {
            let scalars = mapping.unicodeScalars
            if scalars.count == 1, let only = scalars.first?.value, only != scalar, !variants.contains(only) {
                variants.append(only)
            }
        }
        return variants
    }

    /// Whether folding changes anything for this scalar: a literal without case stays a plain scalar.
    static func hasCase(_ scalar: UInt32) -> Bool { !caseVariants(of: scalar).isEmpty }
}

extension RegexCharacterSet {
    /// `[:name:]` inside a class, ASCII as in RE2.
    static func posix(_ name: String) -> [ClosedRange<UInt32>]? {
        switch name {
        case "alnum": [0x30...0x39, 0x41...0x5A, 0x61...0x7A]
        case "alpha": [0x41...0x5A, 0x61...0x7A]
        case "ascii": [0x00...0x7F]
        case "blank": [0x09...0x09, 0x20...0x20]
        case "cntrl": [0x00...0x1F, 0x7F...0x7F]
        case "digit": digit
        case "graph": [0x21...0x7E]
        case "lower": [0x61...0x7A]
        case "print": [0x20...0x7E]
        case "punct": [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E]
        case "space": [0x09...0x0D, 0x20...0x20]
        case "upper": [0x41...0x5A]
        case "word": word
        case "xdigit": [0x30...0x39, 0x41...0x46, 0x61...0x66]
        default: nil
        }
    }

    /// The general categories `\p{name}` names: one- and two-letter Unicode category abbreviations.
    static func unicodeCategories(_ name: String) -> Set<Unicode.GeneralCategory>? {
        let all: [(String, Unicode.GeneralCategory)] = [
            ("Lu", .uppercaseLetter), ("Ll", .lowercaseLetter), ("Lt", .titlecaseLetter), ("Lm", .modifierLetter),
            ("Lo", .otherLetter), ("Mn", .nonspacingMark), ("Mc", .spacingMark), ("Me", .enclosingMark),
            ("Nd", .decimalNumber), ("Nl", .letterNumber), ("No", .otherNumber), ("Pc", .connectorPunctuation),
            ("Pd", .dashPunctuation), ("Ps", .openPunctuation), ("Pe", .closePunctuation),
            ("Pi", .initialPunctuation), ("Pf", .finalPunctuation), ("Po", .otherPunctuation),
            ("Sm", .mathSymbol), ("Sc", .currencySymbol), ("Sk", .modifierSymbol), ("So", .otherSymbol),
            ("Zs", .spaceSeparator), ("Zl", .lineSeparator), ("Zp", .paragraphSeparator), ("Cc", .control),
            ("Cf", .format), ("Cs", .surrogate), ("Co", .privateUse), ("Cn", .unassigned),
        ]
        if name == "Any" { return Set(all.map(\.1)) }
        let matching = all.filter { name.count == 1 ? $0.0.hasPrefix(name) : $0.0 == name }
        return matching.isEmpty ? nil : Set(matching.map(\.1))
    }
}
