import LumenModel

/// The label sets of a table's rows, shortened to what tells the rows apart: the labels with the same value in
/// every row (`shared`) are said once, above the table, and left out of each row's name (`distinct`).
struct SeriesNames: Equatable {
    /// The labels every row has with the same value; empty for fewer than two distinct label sets.
    let shared: [String: String]
    /// Each row's labels without the shared ones, as `name{label="value", …}`.
    let distinct: [String]

    /// - Parameter keepingName: keep the metric name in every row even when all rows share it (for a table
    ///   printed without a heading that would say it).
    init(_ labelSets: [[String: String]], keepingName: Bool = false) {
        var shared = labelSets.first ?? [:]
        for labels in labelSets.dropFirst() { shared = shared.filter { labels[$0.key] == $0.value } }
        if Set(labelSets).count < 2 { shared = [:] }
        if keepingName { shared[Labels.metricName] = nil }
        self.shared = shared
        distinct = labelSets.map { labels in
            QueryTable.seriesName(labels.filter { shared[$0.key] == nil })
        }
    }
}
