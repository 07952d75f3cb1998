/// When a group is evaluated (Prometheus' `Group.EvalTimestamp`): at multiples of its interval shifted by an
/// offset derived from the group's file and name, so that groups of one interval spread over it instead of all
/// running at once, and each group keeps the same phase across restarts.
public enum RuleSchedule {
    /// The group's offset within its interval, from a stable 64-bit FNV-1a hash of `file` and `name` (laid out
    /// as Prometheus lays out the labels it hashes; the hash function is not Prometheus' xxHash).
    public static func offset(file: String, name: String, interval: Int64) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Array("file".utf8) + [0xFF] + Array(file.utf8) + [0xFF] + Array("name".utf8) + [0xFF]
            + Array(name.utf8) + [0xFF]
        {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return Int64(hash % UInt64(interval))
    }

    /// The latest evaluation time of the group at or before `now`.
    public static func evaluationTime(atOrBefore now: Int64, offset: Int64, interval: Int64) -> Int64 {
        let adjusted = now - offset
        var base = adjusted - adjusted % interval
        if adjusted < 0, adjusted % interval != 0 { base -= interval }
        return base + offset
    }
}
