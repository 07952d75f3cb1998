#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether the log's file system has room again after a full disk: a probe file of `bytes` zeros is written,
/// fsynced and removed. Free-space figures alone would not do: reserved blocks, quotas and delayed allocation
/// make them differ from what a write can take. The file's name is no segment's, so replay never reads it.
struct WALSpaceProbe {
    static let fileName = "space-probe"
    /// Room for a typical group commit, so that writes do not flap between accepted and refused.
    static let bytes = 1 << 20
    /// Seconds between probes while the disk is full.
    static let interval = 1.0

    let directory: String

    /// Writes, syncs and removes the probe file; true if all of it fit. Never leaves the file behind.
    func fits() -> Bool {
        let path = directory + "/" + Self.fileName
        defer { try? WALFileSystem.remove(path) }
        try? WALFileSystem.remove(path)
        do {
            try WALFileSystem.writeDurably([UInt8](repeating: 0, count: Self.bytes), to: path)
            return true
        } catch {
            return false
        }
    }
}
