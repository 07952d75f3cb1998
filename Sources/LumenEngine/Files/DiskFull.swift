#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A full file system is a state the store waits out, not damage: the failed step is undone and tried again
/// (`docs/format/wal.md`, "When the disk is full"). This names that condition once for the WAL and the blocks.
public enum DiskFull {
    /// Whether a system call's `errno` says the file system has no room: `ENOSPC`, or `EDQUOT` (a quota).
    static func means(_ code: Int32) -> Bool { code == ENOSPC || code == EDQUOT }

    /// Whether `error` is a store failure caused by a full file system.
    public static func caused(_ error: any Error) -> Bool {
        (error as? WALError)?.code == .diskFull || (error as? BlockError)?.code == .diskFull
    }
}
