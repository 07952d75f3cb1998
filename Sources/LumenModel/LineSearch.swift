/// Whether a line contains a string, bytewise over UTF-8, as LogQL's `|=` means it: libc's vectorised `memchr`
/// finds each candidate first byte, `memcmp` checks the rest — far faster than a `String` search. Log pages
/// prune rows with it and the query pipeline tests lines with it, so the two agree on what a line contains.
public enum LineSearch {
    public static func contains(_ line: String, _ needle: [UInt8]) -> Bool {
        var line = line
        return line.withUTF8 { contains($0, needle) }
    }

    public static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard haystack.count >= needle.count, let base = haystack.baseAddress else { return false }
        return needle.withUnsafeBufferPointer { needle in
            let last = base + (haystack.count - needle.count)
            var position = base
            while position <= last {
                guard let hit = memchr(position, Int32(first), last - position + 1) else { return false }
                let candidate = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self))
                if memcmp(candidate, needle.baseAddress!, needle.count) == 0 { return true }
                position = candidate + 1
            }
            return false
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
