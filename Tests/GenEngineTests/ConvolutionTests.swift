import XCTest

@testable import GenEngine

/// `conv2d` and `convTranspose2d` (im2col, GEMM, col2im) against direct sums on every output
/// element, over strides, kernel sizes and paddings whose rows leave ragged valid ranges.
final class ConvolutionTests: XCTestCase {
    private let shapes: [(stride: Int, kernel: Int, padding: Int, h: Int, w: Int)] = [
        (2, 4, 1, 7, 8), (2, 3, 1, 6, 7), (2, 5, 2, 9, 6), (2, 1, 0, 5, 5), (2, 2, 0, 4, 7), (3, 4, 2, 8, 9), (1, 3, 1, 5, 6),
        (2, 4, 3, 5, 5),
    ]

    func testConvolutionIsTheDirectSum() {
        for (i, s) in shapes.enumerated() {
            let (n, c, o) = (2, 3, 2)
            let x = randomTensor([n, c, s.h, s.w], seed: UInt64(40 + i))
            let w = randomTensor([o, c, s.kernel, s.kernel], seed: UInt64(60 + i))
            let y = conv2d(x, weight: w, stride: s.stride, padding: s.padding)
            let (oh, ow) = (y.shape[2], y.shape[3])
            for b in 0..<n {
                for f in 0..<o {
                    for oy in 0..<oh {
                        for ox in 0..<ow {
                            var sum: Float = 0
                            for ch in 0..<c {
                                for ki in 0..<s.kernel {
                                    for kj in 0..<s.kernel {
                                        let (iy, ix) = (oy * s.stride + ki - s.padding, ox * s.stride + kj - s.padding)
                                        if (0..<s.h).contains(iy) && (0..<s.w).contains(ix) { sum += x[b, ch, iy, ix] * w[f, ch, ki, kj] }
                                    }
                                }
                            }
                            XCTAssertEqual(y[b, f, oy, ox], sum, accuracy: 1e-4, "\(s) at \(b),\(f),\(oy),\(ox)")
                        }
                    }
                }
            }
        }
    }

    func testTransposedConvolutionIsTheDirectScatter() {
        for (i, s) in shapes.enumerated() {
            let (n, cin, cout) = (2, 3, 2)
            let x = randomTensor([n, cin, s.h, s.w], seed: UInt64(80 + i))
            let w = randomTensor([cin, cout, s.kernel, s.kernel], seed: UInt64(100 + i))
            let y = convTranspose2d(x, weight: w, stride: s.stride, padding: s.padding)
            let (oh, ow) = (y.shape[2], y.shape[3])
            var expected = [Float](repeating: 0, count: n * cout * oh * ow)
            for b in 0..<n {
                for ch in 0..<cin {
                    for iy in 0..<s.h {
                        for ix in 0..<s.w {
                            for f in 0..<cout {
                                for ki in 0..<s.kernel {
                                    for kj in 0..<s.kernel {
                                        let (oy, ox) = (iy * s.stride + ki - s.padding, ix * s.stride + kj - s.padding)
                                        guard (0..<oh).contains(oy) && (0..<ow).contains(ox) else { continue }
                                        expected[((b * cout + f) * oh + oy) * ow + ox] += x[b, ch, iy, ix] * w[ch, f, ki, kj]
                                    }
                                }
                            }
                        }
                    }
                }
            }
            assertClose(y.scalars, expected, tolerance: 1e-4)
        }
    }

    /// A batch gives the outputs and gradients of each image on its own: the images' offsets in
    /// the batch's column matrix and the weight gradient summed over images.
    func testABatchIsItsImagesOnTheirOwn() {
        let convolution = (input: [3, 16, 64, 62], weight: [8, 16, 4, 4])
        let transposed = (input: [3, 16, 30, 32], weight: [16, 16, 4, 4])
        for (transpose, shapes) in [(false, convolution), (true, transposed)] {
            let x = randomTensor(shapes.input, seed: 5)
            let w = randomTensor(shapes.weight, seed: 6)
            let b = randomTensor([shapes.weight[transpose ? 1 : 0]], seed: 7)
            func layer(_ t: [Tensor]) -> Tensor {
                transpose
                    ? convTranspose2d(t[0], weight: t[1], bias: t[2], stride: 2, padding: 1)
                    : conv2d(t[0], weight: t[1], bias: t[2], stride: 2, padding: 1)
            }
            let (batchOut, batchGrads) = valueAndGrad([x, w, b]) { layer($0).square().sum() }
            var single = (out: Float(0), dx: [Float](), dw: [Float](repeating: 0, count: w.count))
            for i in 0..<3 {
                let (out, grads) = valueAndGrad([x.slice(axis: 0, i..<(i + 1)), w, b]) { layer($0).square().sum() }
                single.out += out.item
                single.dx += grads[0].scalars
                for (j, g) in grads[1].scalars.enumerated() { single.dw[j] += g }
            }
            XCTAssertEqual(batchOut.item, single.out, accuracy: 1e-3 * Swift.abs(single.out), "transposed: \(transpose)")
            assertClose(batchGrads[0].scalars, single.dx, tolerance: 1e-4)
            assertClose(batchGrads[1].scalars, single.dw, tolerance: 1e-3)
        }
    }
}
