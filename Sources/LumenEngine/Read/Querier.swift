import Logging
import LumenModel

/// The one read path: every `TelemetryReader` read written once, over the sources a conforming type names for
/// a request (`readSources`). The querier fans a request out to them, merges their answers, removes what two
/// hold alike (samples by series and time, log records by stream, time and line, spans by trace and span ID)
/// and applies the limit, newest first. `Storage` names its head, the head being cut and its blocks; `Head`
/// names itself; a cluster node would name other nodes.
///
/// A source that fails (a damaged block) is reported to `readFailed` and left out of the answer, never fatal.
public protocol Querier: TelemetryReader {
    /// The sources holding `request.tenant`'s data that may overlap the request's range, oldest first; taken
    /// together, so that a head cut finishing meanwhile neither hides nor doubles data.
    func readSources(_ request: ReadRequest) -> ReadSources
    /// Called (on any thread) for each source that failed and was left out.
    func readFailed(_ error: BlockError)
}

extension Querier {
    /// `read`'s answer, or nil (reported) if the source failed.
    func answer<Value>(_ read: () throws(BlockError) -> Value) -> Value? {
        do {
            return try read()
        } catch {
            readFailed(error)
            return nil
        }
    }

    /// The items of every source's pages, newest first (or as the request says, oldest first), to the request's
    /// limit; when more than one source has pages, what two hold alike is yielded once.
    func newestFirst<Source, Item: TimeOrderedItem>(
        _ sources: [Source], _ request: ReadRequest, pages: (Source) throws(BlockError) -> [SourcePage<Item>]
    ) -> InTimeOrder<Item> {
        let (all, dedupe) = everyPage(sources, pages)
        return InTimeOrder(all, limit: request.limit, dedupe: dedupe, oldestFirst: request.oldestFirst) {
            readFailed($0)
        }
    }

    /// The items of every source's pages in any order, each once.
    func anyOrder<Source, Item: TimeOrderedItem>(
        _ sources: [Source], pages: (Source) throws(BlockError) -> [SourcePage<Item>]
    ) -> AnyOrder<Item> {
        let (all, dedupe) = everyPage(sources, pages)
        return AnyOrder(all, dedupe: dedupe) { readFailed($0) }
    }

    /// Every source's pages, and whether more than one source has any (so that an item may come twice).
    private func everyPage<Source, Item>(
        _ sources: [Source], _ pages: (Source) throws(BlockError) -> [SourcePage<Item>]
    ) -> (pages: [SourcePage<Item>], dedupe: Bool) {
        var all: [SourcePage<Item>] = []
        var contributing = 0
        for source in sources {
            let found = answer({ () throws(BlockError) in try pages(source) }) ?? []
            if !found.isEmpty { contributing += 1 }
            all += found
        }
        return (all, contributing > 1)
    }

    /// The sorted union of sources' label names or values.
    func union(_ lists: [[String]]) -> [String] {
        lists.count == 1 ? lists[0] : Array(Set(lists.joined())).sorted()
    }
}
