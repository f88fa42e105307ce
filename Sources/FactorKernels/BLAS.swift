import _COpenBLAS

/// The only door to OpenBLAS. Every BLAS call of Credence goes through this file.
public enum BLAS {
    /// Sets the number of threads OpenBLAS may use (1 keeps it from competing with
    /// Credence's own parallel loops on this 2-core machine). With 1 the worker threads
    /// OpenBLAS started when it was loaded are stopped too: each spins in `sched_yield`
    /// for about 0.1 s before it sleeps, which took most of a core from short commands
    /// such as `credence fit` (a later call with more threads starts them again).
    public static func setThreads(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
        if n <= 1 { _ = blas_thread_shutdown_() }
    }

    /// The number of threads OpenBLAS currently uses.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// `C[m×n] = A·B` (or `+=` when `accumulate`), row-major, with optional transposes:
    /// `A` is stored `m×k` (or `k×m` when `transA`), `B` is stored `k×n` (or `n×k`).
    /// Dispatches to `ddot`, `dgemv` or `dgemm` by shape.
    @inline(__always)
    public static func gemm(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Double>, transA: Bool,
        b: UnsafePointer<Double>, transB: Bool,
        c: UnsafeMutablePointer<Double>, accumulate: Bool = false
    ) {
        let beta = accumulate ? 1.0 : 0.0
        if m == 1 && n == 1 {
            let d = cblas_ddot(Int32(k), a, 1, b, 1)
            c.pointee = accumulate ? c.pointee + d : d
        } else if n == 1 {
            // c[m] = A[m×k] · b[k]
            let lda = transA ? m : k
            cblas_dgemv(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
                        Int32(transA ? k : m), Int32(transA ? m : k),
                        1.0, a, Int32(lda), b, 1, beta, c, 1)
        } else if m == 1 {
            // c[n] = a[k] · B[k×n]  ==  Bᵀ · a
            let ldb = transB ? k : n
            cblas_dgemv(CblasRowMajor, transB ? CblasNoTrans : CblasTrans,
                        Int32(transB ? n : k), Int32(transB ? k : n),
                        1.0, b, Int32(ldb), a, 1, beta, c, 1)
        } else {
            cblas_dgemm(CblasRowMajor,
                        transA ? CblasTrans : CblasNoTrans,
                        transB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), 1.0,
                        a, Int32(transA ? m : k),
                        b, Int32(transB ? k : n),
                        beta, c, Int32(n))
        }
    }

    /// A bare `cblas_dgemm` with no dispatch, for benchmarks that compare against it.
    public static func bareDgemm(m: Int, n: Int, k: Int,
                                 a: UnsafePointer<Double>, b: UnsafePointer<Double>,
                                 c: UnsafeMutablePointer<Double>) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1.0, a, Int32(k), b, Int32(n), 0.0, c, Int32(n))
    }
}
