import _COpenBLAS

/// Process-wide tuning of glibc's allocator for large numeric tables.
///
/// By default glibc serves every allocation above 128 KiB (rising to 32 MiB at most) with a
/// fresh `mmap` and returns it with `munmap` on free, so every large factor produced by a
/// kernel starts on untouched pages and pays one page fault per 4 KiB on first write. On
/// this machine a fault costs several microseconds: a 1 MiB permuted contraction spent
/// more time faulting than multiplying (BENCHMARKS.md, "Allocator"). Serving large blocks
/// from the heap and keeping freed memory for reuse removes those faults.
///
/// Call once at start-up, before any large allocation; the `credence` executable and the
/// benchmarks do. Library users may skip it and keep glibc's defaults.
public enum AllocatorTuning {
    /// Serves large blocks from the heap (`M_MMAP_MAX = 0`) and keeps up to `retainBytes` of
    /// freed memory at the top of the heap instead of returning it to the system.
    /// Returns whether glibc accepted both settings.
    @discardableResult
    public static func keepLargeBlocks(retainBytes: Int32 = Int32.max) -> Bool {
        let a = mallopt(M_MMAP_MAX, 0)
        let b = mallopt(M_TRIM_THRESHOLD, retainBytes)
        return a == 1 && b == 1
    }
}
