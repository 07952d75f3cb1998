import LumenModel

/// An inverted index in memory: label name → value → sorted IDs of the series (or streams) that carry it.
/// IDs are handed out in increasing order, so appending keeps every list sorted. The head's index, and a log
/// part's, built at open from its stream list.
struct Postings: LabelIndex {
    typealias Failure = Never

    private(set) var byName: [String: [String: [Int]]] = [:]
    private(set) var count = 0

    mutating func add(id: Int, labels: some Sequence<Label>) {
        for label in labels {
            byName[label.name, default: [:]][label.value, default: []].append(id)
        }
        count = max(count, id + 1)
    }

    var labelNames: [String] { byName.keys.sorted() }

    func labelValues(_ name: String) -> [String] { (byName[name] ?? [:]).keys.sorted() }

    func postings(_ name: String, where accepts: (String) -> Bool) -> [[Int]] {
        (byName[name] ?? [:]).filter { accepts($0.key) }.map(\.value)
    }
}
