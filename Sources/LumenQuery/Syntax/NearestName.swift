/// "Did you mean …?" for a misspelt name: the known name nearest by edit distance (insertions, deletions,
/// substitutions and swaps of two neighbours each count one; case is ignored), when it is near enough to be a
/// likely typo.
public enum NearestName {
    /// The candidate nearest to `name`, or `nil` when none is within a third of the longer name's length (and
    /// at least one edit), so that an unrelated word gets no suggestion. Ties go to the earlier candidate.
    ///
    /// The distance is at least the difference in length, so a candidate that much longer or shorter is passed
    /// over without the table: a client's name thousands of characters long then costs one comparison of
    /// lengths per candidate, not a table of its length times the candidate's (fuzzing found a config file
    /// whose long unknown key took 1.4 s against the schema's every key in a debug build).
    public static func suggestion(for name: String, among candidates: some Sequence<String>) -> String? {
        let length = name.count
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let limit = max(1, max(length, candidate.count) / 3)
            guard abs(length - candidate.count) <= limit else { continue }
            let distance = Self.distance(name, candidate)
            guard distance <= limit else { continue }
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        return best?.name
    }

    /// The optimal-string-alignment distance between two names, ignoring case.
    public static func distance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs.lowercased()), b = Array(rhs.lowercased())
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        // Three rows of the dynamic-programming table: two back (for swaps), one back, and the current.
        var twoBack = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], twoBack[j - 2] + 1)
                }
            }
            (twoBack, previous, current) = (previous, current, twoBack)
        }
        return previous[b.count]
    }
}
