import CKernels
import Dispatch
import XCTest

@testable import GenEngine

/// The matrix-vector kernel of one-token decoding (`gk_gemv_rows`) and its spinning team: values
/// against a Double reference on shapes that leave partial vectors and row groups, and the same
/// bits for every split of the rows and from several threads at once.
final class MatrixVectorTests: XCTestCase {
    private func values(_ count: Int, seed: UInt64) -> [Float] {
        var rng = RNG(seed: seed)
        return (0..<count).map { _ in rng.normal() }
    }

    func testRowsMatchADoubleReferenceOnRaggedShapes() {
        for (rows, k) in [(1, 1), (3, 7), (5, 16), (9, 33), (130, 257), (767, 1000)] {
            let ldw = k + 3
            let w = values(rows * ldw, seed: UInt64(rows))
            let x = values(k, seed: 7)
            let y0 = values(rows, seed: 9)
            var y = y0
            gk_gemv_rows(rows, k, 0.5, w, ldw, x, 2, &y)
            for r in 0..<rows {
                var dot = 0.0
                for j in 0..<k { dot += Double(w[r * ldw + j]) * Double(x[j]) }
                let expected = 0.5 * dot + 2 * Double(y0[r])
                XCTAssertEqual(Double(y[r]), expected, accuracy: 1e-5 * Double(k), "row \(r) of \(rows)×\(k)")
            }
            var zeroBeta = [Float](repeating: .nan, count: rows)  // beta 0: y is not read
            gk_gemv_rows(rows, k, 1, w, ldw, x, 0, &zeroBeta)
            XCTAssertFalse(zeroBeta.contains { $0.isNaN }, "\(rows)×\(k)")
        }
    }

    func testEverySplitAndConcurrentCallersGiveTheSameBits() {
        let (rows, k) = (1021, 300)
        let w = values(rows * k, seed: 1)
        let x = values(k, seed: 2)
        var alone = [Float](repeating: 0, count: rows)
        gk_gemv_rows(rows, k, 1, w, k, x, 0, &alone)
        for parts in [1, 2, 3, 4, 7] {
            var y = [Float](repeating: 0, count: rows)
            gk_gemv_rows_parallel(rows, k, 1, w, k, x, 0, &y, Int32(parts))
            XCTAssertEqual(y.map(\.bitPattern), alone.map(\.bitPattern), "\(parts) parts")
        }
        // Callers on several threads at once: one leads the team, the others run their parts alone.
        let results = UnsafeMutablePointer<Float>.allocate(capacity: 4 * rows)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            for _ in 0..<50 { gk_gemv_rows_parallel(rows, k, 1, w, k, x, 0, results + i * rows, 2) }
        }
        for i in 0..<4 {
            XCTAssertEqual((0..<rows).map { results[i * rows + $0].bitPattern }, alone.map(\.bitPattern), "caller \(i)")
        }
    }

    /// `Threads.parallelFor` on the team covers every index exactly once for any thread count,
    /// past the team's parts (one per core, at most 64) and from nested calls.
    func testParallelForCoversEveryIndexOnTheTeam() {
        let saved = Threads.count
        defer { Threads.set(saved) }
        for threads in [1, 2, 3, 64, 65, 130] {
            Threads.set(threads)
            let total = 1000
            let visits = UnsafeMutablePointer<Int>.allocate(capacity: total)
            visits.initialize(repeating: 0, count: total)
            defer { visits.deallocate() }
            Threads.parallelFor(total, grain: 1) { range in
                for i in range {
                    visits[i] += 1
                    if i % 100 == 0 { Threads.parallelFor(10, grain: 1) { inner in XCTAssertFalse(inner.isEmpty) } }
                }
            }
            XCTAssertEqual((0..<total).filter { visits[$0] != 1 }, [], "\(threads) threads")
        }
    }
}
