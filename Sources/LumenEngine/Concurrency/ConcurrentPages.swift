import Foundation
import Synchronization

/// Decodes pages on every core at once: a read decompresses and decodes a group of pages this way, then judges
/// their rows serially, since the caller's filter need not be thread-safe.
enum ConcurrentPages {
    /// Pages decoded per group: enough to keep every core busy, few enough that a read with a limit stops soon.
    static var groupSize: Int { 2 * ProcessInfo.processInfo.activeProcessorCount }

    /// `decode` of every element, in order; the first error in order is thrown.
    static func decode<Element: Sendable, Decoded: Sendable>(
        _ elements: [Element], _ decode: @Sendable (Element) throws(BlockError) -> Decoded
    ) throws(BlockError) -> [Decoded] {
        guard elements.count > 1 else { return try elements.map { element throws(BlockError) in try decode(element) } }
        let results = Mutex([Result<Decoded, BlockError>?](repeating: nil, count: elements.count))
        DispatchQueue.concurrentPerform(iterations: elements.count) { index in
            let result = Result { () throws(BlockError) in try decode(elements[index]) }
            results.withLock { $0[index] = result }
        }
        return try results.withLock { $0 }.map { result throws(BlockError) in try result!.get() }
    }
}
