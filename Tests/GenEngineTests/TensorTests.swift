import XCTest

@testable import GenEngine

/// Forward values of the core ops against hand-computed results.
final class TensorTests: XCTestCase {
    func testBroadcastingArithmetic() {
        let m = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        XCTAssertEqual((m + Tensor([10, 20, 30])).scalars, [11, 22, 33, 14, 25, 36])
        XCTAssertEqual((m * Tensor([2, 3], shape: [2, 1])).scalars, [2, 4, 6, 12, 15, 18])
        XCTAssertEqual((Tensor([1, 2, 3]) - m).scalars, [0, 0, 0, -3, -3, -3])
        XCTAssertEqual((m / 2).scalars, [0.5, 1, 1.5, 2, 2.5, 3])
        let outer = Tensor([1, 2], shape: [2, 1]) * Tensor([1, 10, 100], shape: [1, 3])
        XCTAssertEqual(outer.shape, [2, 3])
        XCTAssertEqual(outer.scalars, [1, 10, 100, 2, 20, 200])
    }

    func testLargeOpsMatchSmallOnesAcrossThreads() {
        // Large enough for the parallel paths; compare with per-element results.
        let x = randomTensor([300, 257], seed: 3)
        let y = (x * 2 + 1).exp().scalars
        let xs = x.scalars
        for i in stride(from: 0, to: xs.count, by: 997) {
            XCTAssertEqual(y[i], Foundation.exp(xs[i] * 2 + 1), accuracy: 1e-5 * Swift.max(1, y[i]))
        }
        XCTAssertEqual(x.sum().item, xs.reduce(0, +), accuracy: 1e-2)
    }

    func testReductionsAndArgmax() {
        let t = Tensor([1, 5, 3, 9, 2, 4], shape: [2, 3])
        XCTAssertEqual(t.sum(axis: 0).scalars, [10, 7, 7])
        XCTAssertEqual(t.sum(axis: 1).scalars, [9, 15])
        XCTAssertEqual(t.mean(axis: 1).scalars, [3, 5])
        XCTAssertEqual(t.max(axis: 1).scalars, [5, 9])
        XCTAssertEqual(t.argmax(axis: 1).scalars, [1, 0])
        XCTAssertEqual(t.variance(axis: 1).scalars[0], 8.0 / 3, accuracy: 1e-6)
        XCTAssertEqual(
            t.logSumExp(axis: 1).scalars[1], Foundation.log(Foundation.exp(9) + Foundation.exp(2) + Foundation.exp(4)), accuracy: 1e-5)
    }

    func testShapeOps() {
        let t = Tensor((0..<24).map(Float.init), shape: [2, 3, 4])
        XCTAssertEqual(t.permuted([2, 0, 1])[1, 1, 2], t[1, 2, 1])
        XCTAssertEqual(t.transposed(0, 2).shape, [4, 3, 2])
        XCTAssertEqual(t.slice(axis: 1, 1..<2).scalars, [4, 5, 6, 7, 16, 17, 18, 19])
        XCTAssertEqual(t.slice(1..<2).scalars, Array((12..<24).map(Float.init)))
        XCTAssertEqual(Tensor.concat([Tensor([1, 2]), Tensor([3])]).scalars, [1, 2, 3])
        XCTAssertEqual(Tensor.stack([Tensor([1, 2]), Tensor([3, 4])], axis: 1).scalars, [1, 3, 2, 4])
        XCTAssertEqual(Tensor([1, 2, 3, 4, 5, 6], shape: [3, 2]).gathered(rows: [2, 0]).scalars, [5, 6, 1, 2])
        XCTAssertEqual(Tensor.oneHot([2, 0], classes: 3).scalars, [0, 0, 1, 1, 0, 0])
        XCTAssertEqual(Tensor([1, 2], shape: [2, 1]).expanded(to: [2, 3]).scalars, [1, 1, 1, 2, 2, 2])
    }

    func testMatmulValues() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let b = Tensor([1, 0, 0, 1, 1, 1], shape: [3, 2])
        XCTAssertEqual(matmul(a, b).scalars, [4, 5, 10, 11])
        XCTAssertEqual(matmul(a, a, transposeB: true).scalars, [14, 32, 32, 77])
        XCTAssertEqual(matmul(a, a, transposeA: true).shape, [3, 3])
        let y = linear(a, weight: Tensor([1, 1, 1, 0, 0, 1], shape: [2, 3]), bias: Tensor([10, 20]))
        XCTAssertEqual(y.scalars, [16, 23, 25, 26])
    }

    func testConvolutionMatchesDirectSum() {
        let x = randomTensor([2, 2, 5, 5], seed: 4)
        let w = randomTensor([3, 2, 3, 3], seed: 5)
        let bias = randomTensor([3], seed: 6)
        let y = conv2d(x, weight: w, bias: bias, stride: 2, padding: 1)
        XCTAssertEqual(y.shape, [2, 3, 3, 3])
        // Direct evaluation of one output element: n=1, o=2, oy=1, ox=2.
        var expected = bias[2]
        for c in 0..<2 {
            for ky in 0..<3 {
                for kx in 0..<3 {
                    let iy = 1 * 2 + ky - 1
                    let ix = 2 * 2 + kx - 1
                    if iy >= 0 && iy < 5 && ix >= 0 && ix < 5 { expected += x[1, c, iy, ix] * w[2, c, ky, kx] }
                }
            }
        }
        XCTAssertEqual(y[1, 2, 1, 2], expected, accuracy: 1e-5)
        // Transposed convolution is the adjoint of convolution: <conv(x), z> = <x, convT(z)>.
        let z = randomTensor([2, 3, 3, 3], seed: 7)
        let lhs = (conv2d(x, weight: w, stride: 2, padding: 1) * z).sum().item
        let rhs = (x * convTranspose2d(z, weight: w, stride: 2, padding: 1).slice(axis: 2, 0..<5).slice(axis: 3, 0..<5)).sum().item
        XCTAssertEqual(lhs, rhs, accuracy: 1e-4)
    }

    func testSoftmaxAndCausalMask() {
        let x = randomTensor([4, 7], low: -30, high: 30, seed: 8)
        for row in x.softmax().reshaped([4, 7]).sum(axis: 1).scalars { XCTAssertEqual(row, 1, accuracy: 1e-5) }
        let huge = Tensor([1000, 0, -1000], shape: [1, 3]).logSoftmax()
        XCTAssertEqual(huge.scalars[0], 0, accuracy: 1e-6)
        XCTAssertTrue(huge.scalars.allSatisfy { $0.isFinite })
        let p = randomTensor([1, 3, 3], seed: 9).causalSoftmax(scale: 1)
        XCTAssertEqual(p[0, 0, 1], 0)
        XCTAssertEqual(p[0, 0, 2], 0)
        XCTAssertEqual(p[0, 1, 2], 0)
        XCTAssertEqual(p[0, 0, 0], 1, accuracy: 1e-6)
    }

    func testPoolingValues() {
        let x = Tensor((0..<16).map(Float.init), shape: [1, 1, 4, 4])
        XCTAssertEqual(x.maxPool2d(kernel: 2).scalars, [5, 7, 13, 15])
        XCTAssertEqual(x.avgPool2d(kernel: 2).scalars, [2.5, 4.5, 10.5, 12.5])
        XCTAssertEqual(Tensor([1, 2], shape: [1, 1, 1, 2]).upsampleNearest(scale: 2).scalars, [1, 1, 2, 2, 1, 1, 2, 2])
    }

    func testCrossEntropyValues() {
        // Uniform logits over 4 classes: loss = log 4; ignored rows do not count.
        let loss = crossEntropy(logits: Tensor.zeros([3, 4]), targets: [0, -100, 3])
        XCTAssertEqual(loss.item, Foundation.log(4), accuracy: 1e-6)
        let logits = Tensor([2, 0, -1], shape: [1, 3])
        let smoothed = crossEntropy(logits: logits, targets: [0], labelSmoothing: 0.3).item
        let logp = logits.logSoftmax().scalars
        let expected = -(0.7 + 0.1) * logp[0] - 0.1 * logp[1] - 0.1 * logp[2]
        XCTAssertEqual(smoothed, expected, accuracy: 1e-5)
    }

    func testCopyOnWriteKeepsValuesIndependent() {
        let a = Tensor([1, 2, 3])
        var b = a
        b.withUnsafeMutableBufferPointer { $0[0] = 9 }
        XCTAssertEqual(a.scalars, [1, 2, 3])
        XCTAssertEqual(b.scalars, [9, 2, 3])
    }

    func testRNGIsStableAndStreamsDiffer() {
        var r1 = RNG(seed: 42)
        var r2 = RNG(seed: 42)
        var r3 = RNG(seed: 42, stream: "other")
        let first = (0..<4).map { _ in r1.next() }
        XCTAssertEqual(first, (0..<4).map { _ in r2.next() })
        XCTAssertNotEqual(first, (0..<4).map { _ in r3.next() })
        // Normal samples have the right moments.
        var r = RNG(seed: 7)
        let samples = (0..<20000).map { _ in r.normal() }
        let mean = samples.reduce(0, +) / Float(samples.count)
        let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(samples.count)
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(variance, 1, accuracy: 0.05)
        var counts = [0, 0, 0]
        let w: [Float] = [1, 2, 7]
        w.withUnsafeBufferPointer { p in for _ in 0..<10000 { counts[r.categorical(p)] += 1 } }
        XCTAssertEqual(Float(counts[2]) / 10000, 0.7, accuracy: 0.03)
    }

    /// Buffer sizes: whole 64-byte lines, and above 4 KB eight classes per power of two, so a
    /// shrinking batch's buffers are reused: each class holds the request and wastes at most 1/8.
    func testBufferSizeClasses() {
        XCTAssertEqual(BufferPool.roundedBytes(1), 64)
        XCTAssertEqual(BufferPool.roundedBytes(1000), 4032)
        var classes = Set<Int>()
        for count in 1024...200_000 {
            let bytes = BufferPool.roundedBytes(count)
            XCTAssertGreaterThanOrEqual(bytes, count * 4)
            XCTAssertLessThanOrEqual(Double(bytes), Double(count * 4 + 63) * 1.125 + 64)
            XCTAssertEqual(bytes % 64, 0)
            classes.insert(bytes)
        }
        XCTAssertLessThan(classes.count, 8 * 8 + 2, "eight classes per doubling over 4 KB…800 KB")
    }
}
