import XCTest

@testable import GenEngine

/// Finite-difference checks of every differentiable op.
final class GradientTests: XCTestCase {
    /// The example in `valueAndGrad`'s doc comment, as written there.
    func testValueAndGradDocExample() {
        var rng = RNG(seed: 1)
        let model = Linear(3, 2, rng: &rng)
        let optimizer = SGD(learningRate: 0.1)
        let batch = (x: Tensor.normal([4, 3], rng: &rng), y: [Int32]([0, 1, 1, 0]))
        let step = valueAndGrad(model) { (m: Linear, batch: (x: Tensor, y: [Int32])) in
            crossEntropy(logits: m(batch.x), targets: batch.y)
        }
        let (loss, grads) = step(batch)
        optimizer.update(model, grads)
        XCTAssertLessThan(step(batch).0.item, loss.item)
    }

    let a = randomTensor([3, 4], seed: 1), b = randomTensor([3, 4], seed: 2)
    let positive = randomTensor([3, 4], low: 0.5, high: 2, seed: 3)

    func testArithmeticWithBroadcasting() {
        let row = randomTensor([4], seed: 4)
        let column = randomTensor([3, 1], seed: 5)
        let scalar = randomTensor([], seed: 6)
        let general = randomTensor([2, 1, 4], seed: 7)
        checkGradients([a, b]) { $0[0] + $0[1] }
        checkGradients([a, row]) { $0[0] - $0[1] }
        checkGradients([row, a]) { $0[0] - $0[1] }
        checkGradients([a, column]) { $0[0] * $0[1] }
        checkGradients([column, a]) { $0[0] * $0[1] }
        checkGradients([a, scalar]) { $0[0] * $0[1] }
        checkGradients([a, general]) { $0[0] + $0[1] * $0[0] }
        // A per-channel operand in the middle axes ([1, C, 1] against [N, C, S]), as batch norm uses.
        checkGradients([randomTensor([2, 3, 4], seed: 46), randomTensor([1, 3, 1], low: 0.5, high: 2, seed: 47)]) {
            ($0[0] - $0[1]) / $0[1]
        }
        checkGradients([a, positive]) { $0[0] / $0[1] }
        checkGradients([positive, row]) { Tensor.pow($0[0], $0[1]) }
        checkGradients([a, b]) { Tensor.maximum($0[0], $0[1]) + Tensor.minimum($0[0], $0[1]) * 2 }
        checkGradients([a]) { -$0[0] * 3 + 1 }
        checkGradients([a, b]) { Tensor.where($0[0] .> 0, $0[0], $0[1]) }
    }

    func testUnaryAndActivations() {
        checkGradients([a]) { $0[0].exp() }
        checkGradients([positive]) { $0[0].log() + $0[0].sqrt() + $0[0].reciprocal() }
        checkGradients([a]) { $0[0].abs() + $0[0].square() }
        checkGradients([a]) { $0[0].clamped(min: -0.5, max: 0.5) }
        checkGradients([a]) { $0[0].relu() + $0[0].leakyRelu(slope: 0.1) }
        checkGradients([a]) { $0[0].sigmoid() + $0[0].tanh() + $0[0].softplus() + $0[0].silu() }
        checkGradients([a]) { $0[0].gelu() + $0[0].gelu(approximate: true) }
    }

    func testReductions() {
        let x = randomTensor([2, 3, 4], seed: 8)
        checkGradients([x]) { $0[0].sum() + $0[0].mean() }
        checkGradients([x]) { $0[0].sum(axis: 1) }
        checkGradients([x]) { $0[0].mean(axis: 0, keepDims: true) }
        checkGradients([x]) { $0[0].sum(axis: -1) }
        checkGradients([x]) { $0[0].variance(axis: 2) }
        checkGradients([x]) { $0[0].variance(axis: 1, unbiased: true) }
        checkGradients([x]) { $0[0].max(axis: 1) }
        checkGradients([x]) { $0[0].logSumExp(axis: 2) }
    }

    func testShapeOps() {
        let x = randomTensor([2, 3, 4], seed: 9)
        let y = randomTensor([2, 2, 4], seed: 10)
        checkGradients([x]) { $0[0].reshaped([6, -1]) }
        checkGradients([x]) { $0[0].permuted([2, 0, 1]) }
        checkGradients([x]) { $0[0].transposed(0, 1) }
        checkGradients([x]) { $0[0].slice(axis: 0, 1..<2) + $0[0].slice(axis: 0, 0..<1) }
        checkGradients([x]) { $0[0].slice(axis: 1, 1..<3) }
        checkGradients([x, y]) { Tensor.concat([$0[0], $0[1]], axis: 1) }
        checkGradients([x]) { Tensor.stack([$0[0], $0[0] * 2], axis: 1) }
        checkGradients([x]) { $0[0].gathered(rows: [1, 0, 1]) }
        checkGradients([randomTensor([3, 1], seed: 11)]) { $0[0].expanded(to: [2, 3, 4]) }
    }

    func testMatmul() {
        let m = randomTensor([3, 5], seed: 12)
        let n = randomTensor([5, 4], seed: 13)
        checkGradients([m, n]) { matmul($0[0], $0[1]) }
        checkGradients([m, randomTensor([4, 5], seed: 14)]) { matmul($0[0], $0[1], transposeB: true) }
        checkGradients([randomTensor([5, 3], seed: 15), n]) { matmul($0[0], $0[1], transposeA: true) }
        checkGradients([randomTensor([5, 3], seed: 16), randomTensor([4, 5], seed: 17)]) {
            matmul($0[0], $0[1], transposeA: true, transposeB: true)
        }
        checkGradients([randomTensor([2, 3, 5], seed: 18), randomTensor([2, 5, 4], seed: 19)]) { matmul($0[0], $0[1]) }
        checkGradients([randomTensor([2, 3, 5], seed: 20), n]) { matmul($0[0], $0[1]) }
        checkGradients([randomTensor([2, 3, 5], seed: 21), randomTensor([4, 5], seed: 22), randomTensor([4], seed: 23)]) {
            linear($0[0], weight: $0[1], bias: $0[2])
        }
    }

    func testConvolutionAndPooling() {
        let x = randomTensor([2, 3, 6, 5], seed: 24)
        checkGradients([x, randomTensor([4, 3, 3, 3], seed: 25), randomTensor([4], seed: 26)]) {
            conv2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1)
        }
        checkGradients([x, randomTensor([2, 3, 2, 2], seed: 27)]) { conv2d($0[0], weight: $0[1]) }
        checkGradients([randomTensor([2, 3, 3, 4], seed: 28), randomTensor([3, 2, 4, 4], seed: 29), randomTensor([2], seed: 30)]) {
            convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1)
        }
        checkGradients([x]) { $0[0].avgPool2d(kernel: 2) }
        // Max pooling needs inputs farther apart than the finite-difference step.
        var rng = RNG(seed: 60)
        let distinct = Tensor(rng.permutation(x.count).map { Float($0) * 0.1 }, shape: x.shape)
        checkGradients([distinct]) { $0[0].maxPool2d(kernel: 2, stride: 1) }
        checkGradients([x]) { $0[0].upsampleNearest(scale: 2) }
    }

    func testSoftmaxFamily() {
        let x = randomTensor([3, 5], low: -2, high: 2, seed: 31)
        checkGradients([x]) { $0[0].softmax() }
        checkGradients([x]) { $0[0].softmax(axis: 0) }
        checkGradients([x]) { $0[0].logSoftmax() }
        checkGradients([randomTensor([2, 4, 4], seed: 32)]) { $0[0].causalSoftmax(scale: 0.7) }
        checkGradients([randomTensor([2, 2, 5], seed: 33)]) { $0[0].causalSoftmax(scale: 1.3, past: 3) }
    }

    func testNormalisationAndCells() {
        let x = randomTensor([4, 6], seed: 34)
        checkGradients([x, randomTensor([6], seed: 35), randomTensor([6], seed: 36)]) {
            layerNorm($0[0], weight: $0[1], bias: $0[2])
        }
        // Whole-sequence recurrent ops: 4 steps, batch 2, hidden 3.
        checkGradients([
            randomTensor([4, 2, 12], seed: 37), randomTensor([2, 3], seed: 38), randomTensor([2, 3], seed: 39),
            randomTensor([12, 3], seed: 40),
        ]) {
            lstmLayer(xproj: $0[0], h0: $0[1], c0: $0[2], weightHH: $0[3])
        }
        checkGradients([
            randomTensor([4, 2, 9], seed: 41), randomTensor([2, 3], seed: 42), randomTensor([9, 3], seed: 43),
            randomTensor([9], seed: 44),
        ]) {
            gruLayer(xproj: $0[0], h0: $0[1], weightHH: $0[2], biasHH: $0[3])
        }
    }

    func testBatchNorm() {
        let x = randomTensor([4, 3, 2, 2], seed: 48)
        let w = randomTensor([3], low: 0.5, high: 1.5, seed: 49)
        let b = randomTensor([3], seed: 50)
        checkGradients([x, w, b]) { batchNorm($0[0], weight: $0[1], bias: $0[2], eps: 1e-5, running: nil).y }
        let stats = (randomTensor([3], seed: 51), randomTensor([3], low: 0.5, high: 2, seed: 52))
        checkGradients([x, w, b]) { batchNorm($0[0], weight: $0[1], bias: $0[2], eps: 1e-5, running: stats).y }
        // 15 positions a channel: a whole block of the kernel's 8 summing lanes and a tail.
        let wide = randomTensor([3, 3, 3, 5], seed: 53)
        checkGradients([wide, w, b]) { batchNorm($0[0], weight: $0[1], bias: $0[2], eps: 1e-5, running: nil).y }
        // 20 positions a channel (two blocks and a tail): the statistics against a Double reference.
        let long = randomTensor([2, 3, 4, 5], low: 1, high: 3, seed: 54)
        let measured = batchNorm(long, weight: w, bias: b, eps: 1e-5, running: nil)
        for ch in 0..<3 {
            let values = (0..<2).flatMap { i in (0..<20).map { Double(long.scalars[(i * 3 + ch) * 20 + $0]) } }
            let mean = values.reduce(0, +) / 40
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 40
            XCTAssertEqual(Double(measured.mean.scalars[ch]), mean, accuracy: 1e-6)
            XCTAssertEqual(Double(measured.variance.scalars[ch]), variance, accuracy: 1e-6)
        }
    }

    func testWholeLayersAgainstFiniteDifferences() {
        var rng = RNG(seed: 53)
        let block = TransformerBlock(width: 8, heads: 2, rng: &rng)
        checkGradients([randomTensor([2, 5, 8], seed: 54)]) { block($0[0]) }
        let lstm = LSTM(inputSize: 3, hiddenSize: 4, numLayers: 2, rng: &rng)
        checkGradients([randomTensor([2, 4, 3], seed: 55)]) { lstm($0[0]).output }
        // A parameter gradient through valueAndGrad(model) against a finite difference.
        let x = randomTensor([2, 5, 8], seed: 56)
        let (_, grads) = valueAndGrad(block) { m in m(x).square().sum() }()
        let p = block.attention.qkv.weight
        let analytic = grads["attn.c_attn.weight"]!.scalars
        for i in [0, 17, 100, 191] {
            func loss(_ delta: Float) -> Float {
                var w = p
                w.withUnsafeMutableBufferPointer { $0[i] += delta }
                block.attention.qkv.weight = w
                defer { block.attention.qkv.weight = p }
                return noGrad { block(x).square().sum().item }
            }
            let numeric = (loss(1e-2) - loss(-1e-2)) / 2e-2
            XCTAssertEqual(analytic[i], numeric, accuracy: 2e-2 * Swift.max(1, Swift.abs(numeric)))
        }
    }

    func testLosses() {
        let logits = randomTensor([4, 5], low: -2, high: 2, seed: 42)
        checkGradients([logits]) { crossEntropy(logits: $0[0], targets: [1, 0, 4, 2]) }
        checkGradients([logits]) { crossEntropy(logits: $0[0], targets: [1, -100, 4, 2], labelSmoothing: 0.1) }
        let targets = randomTensor([4, 5], low: 0, high: 1, seed: 43)
        checkGradients([logits]) { binaryCrossEntropy(logits: $0[0], targets: targets) }
        checkGradients([logits, targets]) { meanSquaredError($0[0], $0[1]) }
        checkGradients([randomTensor([3, 4], seed: 44), randomTensor([3, 4], seed: 45)]) { gaussianKL(mu: $0[0], logVar: $0[1]) }
    }

    func testAccumulatedHalfBatchesEqualTheFullBatchGradient() {
        var rng = RNG(seed: 57)
        let model = Linear(4, 3, rng: &rng)
        let x = randomTensor([8, 4], seed: 58)
        let y: [Int32] = [0, 1, 2, 0, 1, 2, 0, 1]
        let full = valueAndGrad(model) { m in crossEntropy(logits: m(x), targets: y) }().1
        var accumulated = valueAndGrad(model) { m in crossEntropy(logits: m(x.slice(0..<4)), targets: Array(y[0..<4])) }().1
        accumulated += valueAndGrad(model) { m in crossEntropy(logits: m(x.slice(4..<8)), targets: Array(y[4..<8])) }().1
        for name in full.names {
            assertClose(accumulated.scaled(by: 0.5)[name]!.scalars, full[name]!.scalars, tolerance: 1e-5)
        }
    }

    func testGradientAccumulatesThroughSharedUse() {
        // d/dx of x*x + x at x = 3 is 7.
        let (_, g) = valueAndGrad([Tensor(scalar: 3)]) { ($0[0] * $0[0] + $0[0]).sum() }
        XCTAssertEqual(g[0].item, 7, accuracy: 1e-5)
    }
}
