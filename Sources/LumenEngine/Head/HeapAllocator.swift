/// Hands the C heap's free pages back to the system.
///
/// Why this exists: glibc keeps memory that was freed inside its arenas (one per busy thread, up to 8 per core)
/// and returns to the system only the free space at the very top of each heap. After a head cut or a compaction
/// frees hundreds of megabytes of small objects spread over every arena, the process keeps them resident:
/// measured after a compaction, glibc held 200 MB against 8 MB in use (its `malloc_stats`), and `malloc_trim(0)`
/// returned them (docs/BENCHMARKS.md, "Memory after load"). Elsewhere this does nothing.
public enum HeapAllocator {
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
/// glibc's `int malloc_trim(size_t pad)` (`<malloc.h>`, which the Glibc module does not export).
@_silgen_name("malloc_trim")
private func lumen_malloc_trim(_ pad: Int) -> Int32
#endif
