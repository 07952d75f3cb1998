import LumenModel

/// An inverted index over the series (or log streams) of one source, whose IDs run `0..<count`: what
/// `select` reads. The head keeps one in memory (`Postings`); a metric part reads its `index` file.
protocol LabelIndex {
    /// What reading a postings list may fail with: `Never` in memory, `BlockError` from a file.
    associatedtype Failure: Error
    var count: Int { get }
    /// Label names present, sorted.
    var labelNames: [String] { get }
    /// Values present for `name`, sorted.
    func labelValues(_ name: String) -> [String]
    /// The sorted ID list of every value of `name` that `accepts`.
    func postings(_ name: String, where accepts: (String) -> Bool) throws(Failure) -> [[Int]]
}

extension LabelIndex {
    /// IDs of the series every matcher selects, sorted: the one matcher selection of every source. Matchers that
    /// need a value intersect postings lists, narrowing fastest, so they go first; matchers that also select
    /// series without the label (`a=""`, `a!="x"`, `a=~".*"`) subtract the series whose value they reject.
    func select(_ matchers: [LabelMatcher]) throws(Failure) -> [Int] {
        var result: [Int]? = nil
        for matcher in matchers.sorted(by: { !$0.matchesEmpty && $1.matchesEmpty }) {
            if matcher.matchesEmpty {
                let excluded = PostingsList.union(try postings(matcher.name) { !matcher.matches($0) })
                result = PostingsList.subtract(result ?? Array(0..<count), excluded)
            } else {
                let ids = PostingsList.union(try postings(matcher.name, where: matcher.matches))
                result = result.map { PostingsList.intersect($0, ids) } ?? ids
            }
            if result!.isEmpty { return [] }
        }
        return result ?? Array(0..<count)
    }
}

/// Set operations on sorted ID lists.
enum PostingsList {
    static func union(_ lists: [[Int]]) -> [Int] {
        switch lists.count {
        case 0: []
        case 1: lists[0]
        default: Array(Set(lists.joined())).sorted()
        }
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
