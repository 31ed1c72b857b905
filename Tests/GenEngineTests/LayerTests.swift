import XCTest

@testable import GenEngine

/// Output shapes and PyTorch state_dict names of every layer.
final class LayerTests: XCTestCase {
    var rng = RNG(seed: 3)

    func testShapesAndNames() {
        let lin = Linear(5, 7, rng: &rng)
        XCTAssertEqual(lin(Tensor.zeros([2, 3, 5])).shape, [2, 3, 7])
        XCTAssertEqual(lin.namedParameters().map(\.0), ["weight", "bias"])
        XCTAssertEqual(lin.weight.shape, [7, 5])
        XCTAssertEqual(Linear(5, 7, bias: false, rng: &rng).namedParameters().map(\.0), ["weight"])

        let emb = Embedding(10, 4, rng: &rng)
        XCTAssertEqual(emb([1, 2, 3, 4, 5, 6], shape: [2, 3]).shape, [2, 3, 4])

        let conv = Conv2d(3, 8, kernel: 4, stride: 2, padding: 1, rng: &rng)
        XCTAssertEqual(conv(Tensor.zeros([2, 3, 28, 28])).shape, [2, 8, 14, 14])
        let deconv = ConvTranspose2d(8, 3, kernel: 4, stride: 2, padding: 1, rng: &rng)
        XCTAssertEqual(deconv(Tensor.zeros([2, 8, 7, 7])).shape, [2, 3, 14, 14])
        XCTAssertEqual(deconv.weight.shape, [8, 3, 4, 4])

        let bn = BatchNorm(4)
        XCTAssertEqual(bn.stateDict().map(\.0), ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"])
        XCTAssertEqual(LayerNorm(6)(Tensor.zeros([2, 6])).shape, [2, 6])
    }

    func testRecurrentLayers() {
        let lstm = LSTM(inputSize: 3, hiddenSize: 5, numLayers: 2, rng: &rng)
        XCTAssertEqual(
            lstm.namedParameters().map(\.0),
            [
                "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
            ])
        XCTAssertEqual(lstm.namedParameters()[0].1.wrappedValue.shape, [20, 3])
        let (out, state) = lstm(randomTensor([4, 6, 3]))
        XCTAssertEqual(out.shape, [4, 6, 5])
        XCTAssertEqual(state.h.shape, [2, 4, 5])
        XCTAssertEqual(state.c.shape, [2, 4, 5])
        // Running in two chunks with the state carried over equals one run.
        let x = randomTensor([2, 6, 3], seed: 9)
        let whole = lstm(x).output
        let first = lstm(x.slice(axis: 1, 0..<4))
        let second = lstm(x.slice(axis: 1, 4..<6), state: first.state)
        assertClose(whole.slice(axis: 1, 4..<6).scalars, second.output.scalars)

        let gru = GRU(inputSize: 3, hiddenSize: 4, rng: &rng)
        XCTAssertEqual(gru.namedParameters()[1].1.wrappedValue.shape, [12, 4])
        XCTAssertEqual(gru(randomTensor([2, 5, 3])).output.shape, [2, 5, 4])
    }

    func testTransformerBlockNamesAndKVCache() {
        let block = TransformerBlock(width: 16, heads: 4, rng: &rng)
        let names = block.namedParameters().map(\.0)
        XCTAssertEqual(
            names,
            [
                "ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias",
                "attn.c_proj.weight", "attn.c_proj.bias", "ln_2.weight", "ln_2.bias",
                "mlp.c_fc.weight", "mlp.c_fc.bias", "mlp.c_proj.weight", "mlp.c_proj.bias",
            ])
        let x = randomTensor([2, 6, 16], seed: 10)
        let full = noGrad { block(x) }
        XCTAssertEqual(full.shape, [2, 6, 16])
        // Feeding positions one at a time through the cache gives the same outputs.
        let cache = KVCache(batch: 2, heads: 4, headDim: 4, capacity: 8)
        let stepwise = noGrad { (0..<6).map { t in block(x.slice(axis: 1, t..<(t + 1)), cache: cache) } }
        assertClose(Tensor.concat(stepwise, axis: 1).scalars, full.scalars, tolerance: 1e-4)
    }

    func testBatchNormTrainAndEval() {
        let bn = BatchNorm(2)
        let x = randomTensor([8, 2, 3, 3], low: 2, high: 6, seed: 11)
        let y = bn(x)
        // Training output is normalised per channel.
        let perChannel = y.permuted([1, 0, 2, 3]).reshaped([2, -1])
        for m in perChannel.mean(axis: 1).scalars { XCTAssertEqual(m, 0, accuracy: 1e-4) }
        XCTAssertGreaterThan(bn.runningMean.scalars[0], 0.3)
        bn.train(false)
        XCTAssertFalse(bn.training)
        let z = bn(x)
        XCTAssertNotEqual(z.scalars, y.scalars)
    }

    func testLoadStateDictReportsEveryProblem() {
        let lin = Linear(3, 2, rng: &rng)
        XCTAssertThrowsError(try lin.load(stateDict: ["weight": Tensor.zeros([3, 2]), "extra": Tensor.zeros([1])])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("'weight' has shape [3, 2]"), text)
            XCTAssertTrue(text.contains("missing tensor 'bias'"), text)
            XCTAssertTrue(text.contains("unexpected tensor 'extra'"), text)
        }
        let w = randomTensor([2, 3])
        let b = randomTensor([2])
        XCTAssertNoThrow(try lin.load(stateDict: ["weight": w, "bias": b]))
        XCTAssertEqual(lin.weight.scalars, w.scalars)
    }
}

final class DropoutTests: XCTestCase {
    func testDropoutKeepsExpectationAndIsIdentityInEval() {
        let drop = Dropout(0.25, rng: RNG(seed: 9))
        let x = Tensor.ones([200, 100])
        let y = drop(x)
        let values = y.scalars
        let zeros = values.filter { $0 == 0 }.count
        XCTAssertEqual(Float(zeros) / Float(values.count), 0.25, accuracy: 0.01)
        XCTAssertTrue(values.allSatisfy { $0 == 0 || Swift.abs($0 - 4.0 / 3.0) < 1e-6 })
        XCTAssertEqual(y.mean().item, 1, accuracy: 0.02)
        // The gradient passes exactly where the mask kept the value.
        let (_, g) = valueAndGrad([x]) { drop($0[0]).sum() }
        XCTAssertEqual(g[0].scalars.filter { $0 == 0 }.count, Int(Float(values.count) * 0.25), accuracy: 500)
        drop.train(false)
        XCTAssertEqual(drop(x).scalars, x.scalars)
    }
}
