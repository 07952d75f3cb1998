/// Collects the items of one request that were refused, for the response's `partial_success`.
/// Keeps the first few reasons only: a request with a million bad points must not build a huge message.
struct Rejections {
    static let keptReasons = 5

    private(set) var count = 0
    private var reasons: [String] = []

    /// Refuses `items` items (a whole metric can refuse all its points at once) for `reason`.
    mutating func reject(_ reason: @autoclosure () -> String, items: Int = 1) {
        guard items > 0 else { return }
        count += items
        if reasons.count < Self.keptReasons { reasons.append(reason()) }
    }

    /// "rejected 3 spans: <first reason>; <second reason> (and 1 more)".
    func message(noun: String) -> String {
        guard count > 0 else { return "" }
        let more = count > reasons.count ? " (and \(count - reasons.count) more)" : ""
        return "rejected \(count) \(noun): " + reasons.joined(separator: "; ") + more
    }
}
