import Foundation
import LumenModel

/// Pages decoded a group at a time on every core, in the order given: the work shared by the reads that hand out
/// pages' items (`InTimeOrder`, `AnyOrder`). A page that fails to decode (a damaged block) is reported to `failed`
/// and left out. A page that stands for a source's next part (`SourcePage.more`) is replaced by the pages it
/// fetches, put among those not decoded yet in their order.
struct PageGroups<Item: Sendable> {
    private(set) var pages: [SourcePage<Item>]
    /// The first page not decoded yet.
    private(set) var next = 0
    /// The key the pages are in, descending (nil: any order); fetched pages are placed by it.
    private let key: ((SourcePage<Item>) -> Int64)?
    /// Whether items' log streams are numbered, so that two sources' equal records can be told apart.
    private let numbersStreams: Bool
    private var streamNumbers: [Labels: Int] = [:]
    private let failed: (BlockError) -> Void

    /// Pages decoded per group: enough to keep every core busy, few enough that a read with a limit stops soon.
    static var groupSize: Int { 2 * ProcessInfo.processInfo.activeProcessorCount }

    /// - Parameter key: the key `pages` are sorted by, descending, or nil when their order does not matter.
    init(
        _ pages: [SourcePage<Item>], key: ((SourcePage<Item>) -> Int64)? = nil, numbersStreams: Bool,
        failed: @escaping (BlockError) -> Void
    ) {
        self.pages = pages
        self.key = key
        self.numbersStreams = numbersStreams
        self.failed = failed
    }

    var isFinished: Bool { next == pages.count }

    /// The key of the first page not decoded yet: no later page has a greater one.
    var nextKey: Int64 { key!(pages[next]) }

    private enum Decoded: Sendable {
        case items([Item])
        case pages([SourcePage<Item>])
    }

    /// Decodes the next group, appending its items to `items` and each item's stream number (0 unless numbered)
    /// to `streams`. In pages read in order, a page that fetches a source's next part (another node's) is fetched
    /// only at the head of a group, once the read has taken everything it could before it.
    mutating func decodeNext(into items: inout [Item], streams: inout [Int]) {
        var end = Swift.min(next + Self.groupSize, pages.count)
        if key != nil, let fetch = pages[(next + 1)..<end].firstIndex(where: { $0.more != nil }) { end = fetch }
        let group = Array(pages[next..<end])
        next += group.count
        let decoded = group.concurrentMap(minimumPerThread: 1) { page -> Result<Decoded, BlockError> in
            Result { () throws(BlockError) in
                if let more = page.more { return .pages(try more()) }
                return .items(try page.decode())
            }
        }
        var fetched: [SourcePage<Item>] = []
        for (page, result) in zip(group, decoded) {
            switch result {
            case .success(.items(let pageItems)):
                items += pageItems
                streams += repeatElement(streamNumber(page.stream), count: pageItems.count)
            case .success(.pages(let pages)):
                fetched += pages
            case .failure(let error):
                failed(error)
            }
        }
        for page in fetched { insert(page) }
    }

    /// Puts a fetched page among the pages not decoded yet, after those of an equal key.
    private mutating func insert(_ page: SourcePage<Item>) {
        guard let key else { return pages.append(page) }
        let pageKey = key(page)
        var low = next
        var high = pages.count
        while low < high {
            let middle = (low + high) / 2
            if key(pages[middle]) >= pageKey { low = middle + 1 } else { high = middle }
        }
        pages.insert(page, at: low)
    }

    private mutating func streamNumber(_ labels: Labels?) -> Int {
        guard numbersStreams, let labels else { return 0 }
        if let number = streamNumbers[labels] { return number }
        streamNumbers[labels] = streamNumbers.count
        return streamNumbers.count - 1
    }
}
