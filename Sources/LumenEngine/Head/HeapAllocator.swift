import Foundation

/// The C heap: set up for a server, and its free pages handed back to the system.
///
/// Why the second exists: glibc keeps memory that was freed inside its arenas (one per busy thread, up to 8 per core)
/// and returns to the system only the free space at the very top of each heap. After a head cut or a compaction
/// frees hundreds of megabytes of small objects spread over every arena, the process keeps them resident:
/// measured after a compaction, glibc held 200 MB against 8 MB in use (its `malloc_stats`), and `malloc_trim(0)`
/// returned them (docs/BENCHMARKS.md, "Memory after load"). Elsewhere this does nothing.
public enum HeapAllocator {
    /// Sets glibc's heap up for a server: a large head that lives for seconds to minutes, allocated between many
    /// request buffers freed within milliseconds. glibc's defaults (8 arenas per core; a mapping threshold that
    /// rises to 32 MiB as large buffers are freed) leave the freed buffers scattered between the head's objects in
    /// many arenas, where no trim can return them. So: as many arenas as cores, and every allocation from 256 KiB
    /// up mapped on its own and unmapped when freed (a fixed threshold, which stops the rise). In the overload
    /// soak this took the peak resident set from 1,187 MiB to 862 MiB, under its 1,024 MiB ceiling, with the same
    /// gate (docs/BENCHMARKS.md). An environment that tunes the allocator itself (`MALLOC_ARENA_MAX`,
    /// `GLIBC_TUNABLES` naming `malloc`) is left alone. Elsewhere this does nothing.
    ///
    /// Call it first thing in the process, before threads allocate: arenas already made stay.
    public static func configureForServer(cores: Int) {
        #if os(Linux)
        let environment = ProcessInfo.processInfo.environment
        guard environment["MALLOC_ARENA_MAX"] == nil, environment["GLIBC_TUNABLES"]?.contains("malloc") != true
        else { return }
        _ = lumen_mallopt(mallocArenaMax, Int32(clamping: max(2, cores)))
        _ = lumen_mallopt(mallocMmapThreshold, 256 << 10)
        #endif
    }

    /// Returns the free pages of every arena to the system (`madvise(MADV_DONTNEED)` under `malloc_trim(0)`).
    /// Costs a walk of the free lists, milliseconds per gigabyte: call it after work that freed much (a head cut,
    /// a compaction, a maintenance step), not per request.
    public static func releaseFreeMemory() {
        #if os(Linux)
        _ = lumen_malloc_trim(0)
        #endif
    }
}

#if os(Linux)
/// glibc's `int mallopt(int param, int value)` and two of its parameters (`<malloc.h>`).
@_silgen_name("mallopt")
private func lumen_mallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let mallocMmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD
private let mallocArenaMax: Int32 = -8  // M_ARENA_MAX

/// glibc's `int malloc_trim(size_t pad)` (`<malloc.h>`, which the Glibc module does not export).
@_silgen_name("malloc_trim")
private func lumen_malloc_trim(_ pad: Int) -> Int32
#endif
