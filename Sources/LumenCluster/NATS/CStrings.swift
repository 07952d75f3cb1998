import Foundation

/// C copies of Swift strings that live until `free()`: nats.c configuration structs hold `const char *` fields
/// that must stay valid for the duration of one call.
final class CStrings {
    private var owned: [UnsafeMutablePointer<CChar>] = []

    func copy(_ string: String) -> UnsafePointer<CChar> {
        let pointer = strdup(string)!
        owned.append(pointer)
        return UnsafePointer(pointer)
    }

    /// An array of C strings, owned with its elements.
    func array(_ strings: [String]) -> UnsafeMutablePointer<UnsafePointer<CChar>?> {
        let raw = malloc(MemoryLayout<UnsafePointer<CChar>?>.stride * max(strings.count, 1))!
        owned.append(raw.assumingMemoryBound(to: CChar.self))
        let array = raw.bindMemory(to: UnsafePointer<CChar>?.self, capacity: max(strings.count, 1))
        for (index, string) in strings.enumerated() { array[index] = copy(string) }
        return array
    }

    deinit { owned.forEach { free($0) } }
}
