import Foundation
import LumenModel

/// Pages decoded a group at a time on every core, in the order given: the work shared by the reads that hand out
/// pages' items (`NewestFirst`, `AnyOrder`). A page that fails to decode (a damaged block) is reported to `failed`
/// and left out.
struct PageGroups<Item: Sendable> {
    let pages: [SourcePage<Item>]
    /// The first page not decoded yet.
    private(set) var next = 0
    /// Whether items' log streams are numbered, so that two sources' equal records can be told apart.
    private let numbersStreams: Bool
    private var streamNumbers: [Labels: Int] = [:]
    private let failed: (BlockError) -> Void

    /// Pages decoded per group: enough to keep every core busy, few enough that a read with a limit stops soon.
    static var groupSize: Int { 2 * ProcessInfo.processInfo.activeProcessorCount }

    init(_ pages: [SourcePage<Item>], numbersStreams: Bool, failed: @escaping (BlockError) -> Void) {
        self.pages = pages
        self.numbersStreams = numbersStreams
        self.failed = failed
    }

    var isFinished: Bool { next == pages.count }

    /// Decodes the next group, appending its items to `items` and each item's stream number (0 unless numbered)
    /// to `streams`.
    mutating func decodeNext(into items: inout [Item], streams: inout [Int]) {
        let group = Array(pages[next..<Swift.min(next + Self.groupSize, pages.count)])
        next += group.count
        let decoded = group.concurrentMap(minimumPerThread: 1) { page -> Result<[Item], BlockError> in
            Result { () throws(BlockError) in try page.decode() }
        }
        for (page, result) in zip(group, decoded) {
            switch result {
            case .success(let pageItems):
                items += pageItems
                streams += repeatElement(streamNumber(page.stream), count: pageItems.count)
            case .failure(let error):
                failed(error)
            }
        }
    }

    private mutating func streamNumber(_ labels: Labels?) -> Int {
        guard numbersStreams, let labels else { return 0 }
        if let number = streamNumbers[labels] { return number }
        streamNumbers[labels] = streamNumbers.count
        return streamNumbers.count - 1
    }
}
