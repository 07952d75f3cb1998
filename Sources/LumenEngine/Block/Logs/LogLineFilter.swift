import LumenModel

/// The `|=` strings of a log read, with the verdict of each of a part's templates on them: worked out once per
/// read of the part, not once per page.
struct LogLineFilter {
    let needles: [[UInt8]]
    /// Per template: none of its lines holds every needle (`never`), all do (`always`), or each must be looked
    /// at (`check`).
    let summaries: [LogTemplates.Verdict]
    /// Whether some template's rows must be looked at: otherwise a page is judged by its templates alone.
    let looksAtRows: Bool
    /// Per template and needle, at `template * needles.count + needle`.
    private let verdicts: [LogTemplates.Verdict]

    static let none = LogLineFilter([], templates: nil)

    init(_ needles: [[UInt8]], templates: LogTemplates?) {
        self.needles = needles
        let byNeedle = templates.map { templates in needles.map(templates.verdicts) } ?? []
        var verdicts: [LogTemplates.Verdict] = []
        var summaries: [LogTemplates.Verdict] = []
        for template in 0..<(templates?.count ?? 0) {
            let own = byNeedle.map { $0[template] }
            verdicts += own
            summaries.append(own.contains(.never) ? .never : own.allSatisfy { $0 == .always } ? .always : .check)
        }
        self.verdicts = verdicts
        self.summaries = summaries
        looksAtRows = summaries.contains(.check)
    }

    var isEmpty: Bool { needles.isEmpty }

    func verdict(template: Int, needle: Int) -> LogTemplates.Verdict {
        verdicts[template * needles.count + needle]
    }
}
