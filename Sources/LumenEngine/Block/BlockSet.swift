import Foundation

/// A directory of blocks written together — one per tenant of a head — that appears whole or not at all: the
/// blocks are written into `<path>.tmp/`, fsynced, and the directory renamed to `<path>` and its parent fsynced.
/// The cluster's shared block store keeps each flush of a partition as one (docs/cluster.md).
public enum BlockSet {
    /// Writes `head`'s tenants as blocks under `path`, durably. A failure leaves nothing behind but a `.tmp`
    /// directory that `write` removes first when asked again, and that readers never open.
    public static func write(_ head: Head, to path: String) throws(BlockError) {
        try write(to: path) { temporary throws(BlockError) in
            for tenant in head.tenants {
                _ = try BlockWriter().write(head.contents(of: tenant), into: temporary, walSegmentsBefore: 0)
            }
        }
    }

    /// Writes a set under `path` whose blocks `fill` writes into the directory it is given (`<path>.tmp`), durably
    /// and whole, as `write(_:to:)` does: the cluster's compaction writes merged blocks this way (`BlockMerge`).
    public static func write(to path: String, _ fill: (String) throws(BlockError) -> Void) throws(BlockError) {
        let temporary = path + Block.temporarySuffix
        let parent = (path as NSString).deletingLastPathComponent
        try BlockFile.makeDirectories(parent)
        if BlockFile.exists(temporary) { try BlockFile.removeTree(temporary) }
        do throws(BlockError) {
            try BlockFile.makeDirectory(temporary)
            try fill(temporary)
            try BlockFile.syncDirectory(temporary)
            try BlockFile.rename(temporary, to: path)
            try BlockFile.syncDirectory(parent)
        } catch {
            try? BlockFile.removeTree(temporary)
            throw error
        }
    }

    /// Opens every block in the set.
    public static func open(_ path: String) throws(BlockError) -> [Block] {
        try BlockFile.list(path).filter { BlockID($0) != nil }.sorted().map { name throws(BlockError) in
            try Block(directory: path + "/" + name)
        }
    }

    /// The names in `directory` (a store's partition folder); none when it does not exist.
    public static func names(in directory: String) throws(BlockError) -> [String] {
        BlockFile.exists(directory) ? try BlockFile.list(directory) : []
    }

    /// Removes a set (or its unfinished `.tmp`), then fsyncs its parent.
    public static func remove(_ path: String) throws(BlockError) {
        if BlockFile.exists(path) { try BlockFile.removeTree(path) }
        try BlockFile.syncDirectory((path as NSString).deletingLastPathComponent)
    }
}
