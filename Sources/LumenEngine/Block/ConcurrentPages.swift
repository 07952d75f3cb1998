import Foundation

/// How reads spread page decoding over every core: a read decompresses and decodes a group of pages at once
/// (`concurrentMap`), then judges their rows serially, since the caller's filter need not be thread-safe.
enum ConcurrentPages {
    /// Pages decoded per group: enough to keep every core busy, few enough that a read with a limit stops soon.
    static var groupSize: Int { 2 * ProcessInfo.processInfo.activeProcessorCount }
}
