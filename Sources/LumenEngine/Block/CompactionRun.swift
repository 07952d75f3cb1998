/// What compaction merges next — of a node's blocks (`Storage.compact`) or of a partition's shared flushes
/// (`SharedCompaction`): the oldest run of time-adjacent items of one level (merged as often) whose data spans at
/// most `compactionSpan` and that counts at least `compactionMinBlocks` items (and two).
///
/// One level at a time, so that each datum is rewritten about log_min(span / cut interval) times: with 5-minute
/// cuts, 4 per run and a 24 h span, blocks of 5 min become 20 min, 80 min, 5 h 20 min, then 21 h. A run that grew
/// from the oldest item instead rewrote everything merged so far at every merge — quadratic once heads are cut
/// often (a memory ceiling cuts them every half minute under load).
public enum CompactionRun {
    /// The run among `items` (oldest first), or empty. An item `keptApart` (found damaged) ends a run and joins
    /// none: merging it would drop its damaged page for good.
    public static func oldest<Item>(
        _ items: [Item], options: StorageOptions, minTime: (Item) -> Int64, maxTime: (Item) -> Int64,
        level: (Item) -> Int, keptApart: (Item) -> Bool = { _ in false }
    ) -> [Item] {
        let enough = max(2, options.compactionMinBlocks)
        var run: [Item] = []
        var low = Int64.max
        var high = Int64.min
        for item in items {
            let (newLow, newHigh) = (min(low, minTime(item)), max(high, maxTime(item)))
            let damaged = keptApart(item)
            let ends = damaged
                || !run.isEmpty && (level(item) != level(run[0])
                    || newHigh.subtractingReportingOverflow(newLow).partialValue > options.compactionSpan)
            if ends {
                if run.count >= enough { return run }
                (run, low, high) = ([], .max, .min)
                if damaged { continue }
            }
            run.append(item)
            (low, high) = (min(low, minTime(item)), max(high, maxTime(item)))
        }
        return run.count >= enough ? run : []
    }
}
