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

    /// The items of every source's pages, newest first, to the request's limit; when more than one source has
    /// pages, what two hold alike is yielded once.
    func newestFirst<Source, Item: NewestFirstItem>(
        _ sources: [Source], _ request: ReadRequest, pages: (Source) throws(BlockError) -> [SourcePage<Item>]
    ) -> NewestFirst<Item> {
        var all: [SourcePage<Item>] = []
        var contributing = 0
        for source in sources {
            let found = answer({ () throws(BlockError) in try pages(source) }) ?? []
            if !found.isEmpty { contributing += 1 }
            all += found
        }
        return NewestFirst(all, limit: request.limit, dedupe: contributing > 1) { readFailed($0) }
    }

    /// The sorted union of sources' label names or values.
    func union(_ lists: [[String]]) -> [String] {
        lists.count == 1 ? lists[0] : Array(Set(lists.joined())).sorted()
    }
}
