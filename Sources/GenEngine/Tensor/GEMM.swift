import CBLAS
import CKernels
import Dispatch

/// Row-major SGEMM `C = alpha·op(A)·op(B) + beta·C` on the engine's threads.
///
/// OpenBLAS runs single-threaded; the engine splits C into blocks of rows (or columns, when C is
/// wide) whose size depends only on the matrix shape, and hands blocks to its threads. An element
/// of C is therefore always computed by the same kernel call with the same operands, whatever the
/// thread count, which OpenBLAS's own threading does not promise (its results vary with the
/// number of threads at many shapes).
public enum GEMM {
    static func run(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        _ = BLASKernel.active
        let ta = transA ? CblasTrans : CblasNoTrans
        let tb = transB ? CblasTrans : CblasNoTrans
        func call(_ mm: Int, _ nn: Int, _ ap: UnsafePointer<Float>, _ bp: UnsafePointer<Float>, _ cp: UnsafeMutablePointer<Float>) {
            cblas_sgemm(
                CblasRowMajor, ta, tb, Int32(mm), Int32(nn), Int32(k), alpha, ap, Int32(lda), bp, Int32(ldb),
                beta, cp, Int32(ldc))
        }
        if m == 1 {
            return vectorTimesMatrix(
                transA: transA, transB: transB, n: n, k: k, alpha: alpha, a: a, lda: lda,
                b: b, ldb: ldb, beta: beta, c: c)
        }
        let blocks = blockCount(m: m, n: n, k: k)
        if blocks == 1 { return call(m, n, a, b, c) }
        let alongRows = m >= n
        let dim = alongRows ? m : n
        let size = (dim + blocks - 1) / blocks
        forEachBlock(blocks) { i in
            let start = i * size
            let len = min(size, dim - start)
            guard len > 0 else { return }
            if alongRows {
                call(len, n, a + (transA ? start : start * lda), b, c + start * ldc)
            } else {
                call(m, len, a, b + (transB ? start * ldb : start), c + start)
            }
        }
    }

    /// One row of output (`m = 1`, as in decoding one token): matrix-vector products, which stream
    /// the matrix once instead of packing it as GEMM does. Output columns split into shape-fixed blocks.
    static func vectorTimesMatrix(
        transA: Bool, transB: Bool, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>
    ) {
        let incX = Int32(transA ? lda : 1)
        if transB && incX == 1 {  // B is [n, k]: rows of B times x, on the spinning team when large
            return gk_gemv_rows_parallel(n, k, alpha, b, ldb, a, beta, c, Int32(matrixVectorParts(n: n, k: k)))
        }
        let blocks = max(1, min(4, n / 64, (n * k) >> 16))
        let size = (n + blocks - 1) / blocks
        forEachBlock(blocks) { i in
            let start = i * size
            let len = min(size, n - start)
            guard len > 0 else { return }
            if transB {
                cblas_sgemv(
                    CblasRowMajor, CblasNoTrans, Int32(len), Int32(k), alpha, b + start * ldb, Int32(ldb), a, incX,
                    beta, c + start, 1)
            } else {  // B is [k, n]: columns start..start+len
                cblas_sgemv(
                    CblasRowMajor, CblasTrans, Int32(k), Int32(len), alpha, b + start, Int32(ldb), a, incX,
                    beta, c + start, 1)
            }
        }
    }

    /// The team's parts for a matrix-vector product of `n` rows of `k`: every thread once the
    /// product is large enough to pay for the hand-off (at least 64 rows and 2^15 multiply-adds).
    static func matrixVectorParts(n: Int, k: Int) -> Int { n >= 64 && n * k >= 1 << 15 ? Threads.count : 1 }

    /// Number of blocks for an `m×n` result with inner size `k`: a function of the shape only.
    static func blockCount(m: Int, n: Int, k: Int) -> Int {
        // At most 4 blocks, each at least 64 rows/columns and 2^21 multiply-adds (so a product
        // below 2^21 multiply-adds runs as one call).
        return max(1, min(4, max(m, n) / 64, (m * n * k) >> 21))
    }

    /// Runs `body(i)` for `i` in `0..<count` on the engine's threads; on the calling thread alone
    /// when the blocks hold fewer than 2¹⁸ multiply-adds in all (`work`), since handing blocks to
    /// threads costs more than such products (decoding one token of a small model).
    static func forEachBlock(_ count: Int, work: Int = .max, _ body: (Int) -> Void) {
        if Threads.count == 1 || count == 1 || work < 1 << 18 {
            for i in 0..<count { body(i) }
        } else {
            Threads.parallelFor(count, grain: 1) { r in for i in r { body(i) } }
        }
    }
}

extension GEMM {
    /// OpenBLAS called directly with its own threading (`threads` threads): the reference that
    /// `gen-bench` measures the engine's GEMM against. Not used by the engine itself.
    public static func openBLASReference(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, threads: Int
    ) {
        _ = BLASKernel.active
        openblas_set_num_threads(Int32(threads))
        defer { openblas_set_num_threads(1) }
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(n),
            0, c, Int32(n))
    }

    /// The engine's GEMM on raw buffers (`C[m,n] = A[m,k]·B[k,n]`), for benchmarks.
    public static func engine(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>
    ) {
        run(transA: false, transB: false, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: c, ldc: n)
    }
}
