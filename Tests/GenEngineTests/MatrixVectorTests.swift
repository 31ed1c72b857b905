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

    /// For each shape (rows × k, row stride k + `pad`): `gemv` (the kernel's arguments, weights
    /// stored through `store`) gives 0.5·W·x + 2·y against a Double reference over the weights read
    /// back through `widen`, and with beta 0 never reads y; `more` then checks that beta-0 result.
    private func checkRowsAgainstADoubleReference<W>(
        _ shapes: [(Int, Int)], pad: Int, store: (Float) -> W, widen: (W) -> Float,
        _ gemv: (Int, Int, Float, [W], Int, [Float], Float, inout [Float]) -> Void,
        more: (_ rows: Int, _ k: Int, _ w: [W], _ x: [Float], _ y: [Float]) -> Void = { _, _, _, _, _ in }
    ) {
        for (rows, k) in shapes {
            let ldw = k + pad
            let w = values(rows * ldw, seed: UInt64(rows)).map(store)
            let x = values(k, seed: 7)
            let y0 = values(rows, seed: 9)
            var y = y0
            gemv(rows, k, 0.5, w, ldw, x, 2, &y)
            for r in 0..<rows {
                var dot = 0.0
                for j in 0..<k { dot += Double(widen(w[r * ldw + j])) * Double(x[j]) }
                let expected = 0.5 * dot + 2 * Double(y0[r])
                XCTAssertEqual(Double(y[r]), expected, accuracy: 1e-5 * Double(k), "row \(r) of \(rows)×\(k)")
            }
            var zeroBeta = [Float](repeating: .nan, count: rows)  // beta 0: y is not read
            gemv(rows, k, 1, w, ldw, x, 0, &zeroBeta)
            XCTAssertFalse(zeroBeta.contains { $0.isNaN }, "\(rows)×\(k)")
            more(rows, k, w, x, zeroBeta)
        }
    }

    func testRowsMatchADoubleReferenceOnRaggedShapes() {
        checkRowsAgainstADoubleReference(
            [(1, 1), (3, 7), (5, 16), (9, 33), (130, 257), (767, 1000)], pad: 3, store: { $0 }, widen: { $0 },
            { gk_gemv_rows($0, $1, $2, $3, $4, $5, $6, &$7) })
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

    /// float32 to float16 rounds as Swift's `Float16(_:)` (round to nearest, ties to even) on
    /// values around every boundary (subnormals, ties, the largest half, overflow, NaN), scalar and
    /// vector alike; float16 to float32 is exact for all 65,536 halves.
    func testHalfConversionsRoundToNearestEven() {
        var inputs: [Float] = [
            0, -0, 1, -1, 65504, 65519.99, 65520, -65520, 1e9, .infinity, -.infinity, .nan, 6.1035156e-5, 5.9604645e-8, 2.9802322e-8,
            2.9802326e-8, 1e-10, .leastNonzeroMagnitude,
        ]
        for bits in stride(from: UInt32(0x3300_0000), through: 0x4780_0000, by: 0x0000_0fff) {  // every exponent, mantissa tails near ties
            for delta: UInt32 in [0, 1, 0x0fff, 0x1000, 0x1001, 0x2000] { inputs.append(Float(bitPattern: bits &+ delta)) }
        }
        inputs += values(10_000, seed: 3).map { $0 * 0.02 }
        inputs += inputs.map { -$0 }
        var vector = [UInt16](repeating: 0, count: inputs.count)
        let overflowed = gk_f32_to_f16_n(inputs.count, inputs, &vector)
        XCTAssertEqual(overflowed, inputs.filter { $0.isFinite && Float16($0).isInfinite }.count)
        XCTAssertGreaterThan(overflowed, 0)
        for (i, x) in inputs.enumerated() {
            let expected = Float16(x)
            let scalar = gk_f16_from_f32(x)
            if x.isNaN {
                XCTAssertTrue(Float16(bitPattern: scalar).isNaN && Float16(bitPattern: vector[i]).isNaN, "NaN")
            } else {
                XCTAssertEqual(scalar, expected.bitPattern, "scalar \(x)")
                XCTAssertEqual(vector[i], expected.bitPattern, "vector \(x)")
            }
        }
        for bits in 0...UInt16.max {
            let back = gk_f32_from_f16(bits)
            let expected = Float(Float16(bitPattern: bits))
            XCTAssertTrue(back.bitPattern == expected.bitPattern || (back.isNaN && expected.isNaN), "half \(bits)")
        }
    }

    /// The float16 kernel equals a Double reference on the widened weights, on ragged shapes, and
    /// gives the same bits however its rows are split (the team runs at most one part per core).
    func testHalfRowsMatchADoubleReferenceAndAnySplit() {
        let everySplitAgrees = { (rows: Int, k: Int, w: [UInt16], x: [Float], alone: [Float]) in
            for parts in [2, 3, 7] {
                var split = [Float](repeating: 0, count: rows)
                gk_gemv_rows_f16_parallel(rows, k, 1, w, k + 5, x, 0, &split, Int32(parts))
                XCTAssertEqual(split.map(\.bitPattern), alone.map(\.bitPattern), "\(rows)×\(k), \(parts) parts")
            }
        }
        checkRowsAgainstADoubleReference(
            [(1, 1), (3, 7), (5, 16), (9, 33), (130, 257), (767, 1000), (64, 64)], pad: 5, store: gk_f16_from_f32,
            widen: gk_f32_from_f16, { gk_gemv_rows_f16($0, $1, $2, $3, $4, $5, $6, &$7) }, more: everySplitAgrees)
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
