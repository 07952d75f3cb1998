import LumenModel

/// The `|=` strings of a log read, with the verdict of each of a part's templates on them: worked out once per
/// read of the part, not once per page.
struct LogLineFilter {
    let needles: [[UInt8]]
    /// Per template: none of its lines holds every needle (`never`), all do (`always`), or each must be looked
    /// at (`check`).
    let summaries: [LogTemplates.Verdict]
    /// Per template and needle, at `template * needles.count + needle`.
    private let verdicts: [LogTemplates.Verdict]

    static let none = LogLineFilter([], templates: nil)

    init(_ needles: [[UInt8]], templates: LogTemplates?) {
        self.needles = needles
        let byNeedle = templates.map { templates in needles.map(templates.verdicts) } ?? []
        let count = templates?.count ?? 0
        verdicts = (0..<count).flatMap { template in byNeedle.map { $0[template] } }
        summaries = (0..<count).map { template in
            let verdicts = byNeedle.map { $0[template] }
            return verdicts.contains(.never) ? .never : verdicts.allSatisfy { $0 == .always } ? .always : .check
        }
    }

    var isEmpty: Bool { needles.isEmpty }

    func verdict(template: Int, needle: Int) -> LogTemplates.Verdict {
        verdicts[template * needles.count + needle]
    }
}
