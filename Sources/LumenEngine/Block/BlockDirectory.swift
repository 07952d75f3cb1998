import Foundation

/// The crash-safe making of a block directory, shared by head cuts (`BlockWriter`) and merges (`BlockMerge`):
/// the parts go into `<id>.tmp`, then `meta.json`; everything is fsynced, the directory is renamed into place and
/// its parent fsynced. A reader (and a restart) sees a whole block or none; a leftover `.tmp` is removed at
/// start-up.
enum BlockDirectory {
    /// Makes block `id` in `blocksDirectory`: `writeParts` writes the parts into the temporary directory it is
    /// given and returns the block's meta, which is then written beside them. A failure (a full disk, a damaged
    /// source …) leaves nothing behind: the temporary directory, or the block if it failed after its rename, is
    /// removed before the error is rethrown, so the caller may simply try again later.
    static func write(
        into blocksDirectory: String, id: BlockID, _ writeParts: (_ temporary: String) throws(BlockError) -> BlockMeta
    ) throws(BlockError) -> BlockMeta {
        let directory = blocksDirectory + "/" + id.description
        let temporary = directory + Block.temporarySuffix
        if BlockFile.exists(temporary) { try BlockFile.removeTree(temporary) }
        do throws(BlockError) {
            try BlockFile.makeDirectory(temporary)
            let meta = try writeParts(temporary)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let json: Data
            do { json = try encoder.encode(meta) } catch { throw BlockError(.invalidArgument, "meta: \(error)") }
            try BlockFile.writeDurably(Array(json) + [UInt8(ascii: "\n")], to: temporary + "/" + Block.metaFileName)
            try BlockFile.syncDirectory(temporary)
            try BlockFile.rename(temporary, to: directory)
            try BlockFile.syncDirectory(blocksDirectory)
            return meta
        } catch {
            for leftover in [temporary, directory] where BlockFile.exists(leftover) {
                try? BlockFile.removeTree(leftover)
            }
            try? BlockFile.syncDirectory(blocksDirectory)
            throw error
        }
    }

}
