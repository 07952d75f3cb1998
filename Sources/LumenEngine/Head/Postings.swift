import LumenModel

/// An inverted index: label name → value → sorted IDs of the series (or streams) that carry it.
/// IDs are handed out in increasing order, so appending keeps every list sorted.
struct Postings {
    private(set) var byName: [String: [String: [Int]]] = [:]

    mutating func add(id: Int, labels: some Sequence<Label>) {
        for label in labels {
            byName[label.name, default: [:]][label.value, default: []].append(id)
        }
    }

    /// IDs among `0..<count` selected by every matcher, sorted.
    func select(_ matchers: [LabelMatcher], count: Int) -> [Int] {
        var result: [Int]? = nil
        // Matchers that need a value narrow the candidates fastest, so they go first.
        for matcher in matchers.sorted(by: { !$0.matchesEmpty && $1.matchesEmpty }) {
            let values = byName[matcher.name] ?? [:]
            let ids: [Int]
            if matcher.matchesEmpty {
                // Selected: series without the label, and those whose value matches.
                let excluded = Self.union(values.filter { !matcher.matches($0.key) }.map(\.value))
                ids = Self.subtract(result ?? Array(0..<count), excluded)
                result = ids
                continue
            }
            ids = Self.union(values.filter { matcher.matches($0.key) }.map(\.value))
            result = result.map { Self.intersect($0, ids) } ?? ids
            if result!.isEmpty { return [] }
        }
        return result ?? Array(0..<count)
    }

    /// Label values present for `name`, sorted.
    func values(of name: String) -> [String] {
        (byName[name] ?? [:]).keys.sorted()
    }

    var names: [String] { byName.keys.sorted() }

    static func union(_ lists: [[Int]]) -> [Int] {
        if lists.count == 1 { return lists[0] }
        return Array(Set(lists.joined())).sorted()
    }

    static func intersect(_ lhs: [Int], _ rhs: [Int]) -> [Int] {
        var result: [Int] = []
        var i = 0
        var j = 0
        while i < lhs.count && j < rhs.count {
            if lhs[i] == rhs[j] {
                result.append(lhs[i])
                i += 1
                j += 1
            } else if lhs[i] < rhs[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return result
    }

    static func subtract(_ lhs: [Int], _ rhs: [Int]) -> [Int] {
        let removed = Set(rhs)
        return lhs.filter { !removed.contains($0) }
    }
}
