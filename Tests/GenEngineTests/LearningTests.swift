import XCTest

@testable import GenEngine

/// Small models that must learn: each test fails if training does not work.
final class LearningTests: XCTestCase {
    final class MLP2: Module {
        let l1: Linear, l2: Linear
        init(rng: inout RNG) {
            l1 = Linear(2, 8, rng: &rng)
            l2 = Linear(8, 1, rng: &rng)
        }
        func callAsFunction(_ x: Tensor) -> Tensor { l2(l1(x).tanh()) }
    }

    func testMLPLearnsXOR() {
        var rng = RNG(seed: 1)
        let model = MLP2(rng: &rng)
        let x = Tensor([0, 0, 0, 1, 1, 0, 1, 1], shape: [4, 2])
        let y = Tensor([0, 1, 1, 0], shape: [4, 1])
        let opt = Adam(learningRate: 0.05)
        let step = valueAndGrad(model) { m in binaryCrossEntropy(logits: m(x), targets: y) }
        var loss: Float = 1
        for _ in 0..<300 {
            let (l, g) = step()
            opt.update(model, g)
            loss = l.item
        }
        XCTAssertLessThan(loss, 0.05)
        let predictions = noGrad { model(x).sigmoid().scalars }
        XCTAssertEqual(predictions.map { $0 > 0.5 }, [false, true, true, false])
    }

    func testLinearRegressionConverges() {
        var rng = RNG(seed: 2)
        let x = Tensor.normal([64, 3], rng: &rng)
        let trueW = Tensor([2, -1, 0.5], shape: [1, 3])
        let y = linear(x, weight: trueW, bias: Tensor([0.3]))
        let model = Linear(3, 1, rng: &rng)
        let opt = SGD(learningRate: 0.1, momentum: 0.9, nesterov: true)
        let step = valueAndGrad(model) { m in meanSquaredError(m(x), y) }
        for _ in 0..<200 { opt.update(model, step().1) }
        assertClose(model.weight.scalars, [2, -1, 0.5], tolerance: 1e-3)
        XCTAssertEqual(model.bias!.item, 0.3, accuracy: 1e-3)
    }

    /// 32 tokens of a repeating pattern over 8 symbols; the model must predict the next one.
    static let sequence: [Int32] = (0..<33).map { Int32([0, 3, 1, 4, 1, 5, 2, 6][$0 % 8] + ($0 / 8) % 2) }

    final class TinyLSTM: Module {
        let embed: Embedding, lstm: LSTM, head: Linear
        init(rng: inout RNG) {
            embed = Embedding(8, 16, rng: &rng)
            lstm = LSTM(inputSize: 16, hiddenSize: 32, rng: &rng)
            head = Linear(32, 8, rng: &rng)
        }
        func callAsFunction(_ ids: [Int32]) -> Tensor {
            head(lstm(embed(ids, shape: [1, ids.count])).output).reshaped([ids.count, 8])
        }
    }

    func testLSTMOverfitsRepeatingSequence() {
        var rng = RNG(seed: 3)
        let model = TinyLSTM(rng: &rng)
        let inputs = Array(Self.sequence[0..<32])
        let targets = Array(Self.sequence[1..<33])
        let opt = Adam(learningRate: 0.02)
        let step = valueAndGrad(model) { m in crossEntropy(logits: m(inputs), targets: targets) }
        var loss: Float = 10
        for _ in 0..<200 {
            let (l, g) = step()
            opt.update(model, g)
            loss = l.item
        }
        XCTAssertLessThan(loss, 0.05)
    }

    final class TinyGPT: Module {
        let tokens: Embedding, positions: Embedding, block: TransformerBlock, norm: LayerNorm, head: Linear
        init(rng: inout RNG) {
            tokens = Embedding(8, 32, rng: &rng)
            positions = Embedding(32, 32, rng: &rng)
            block = TransformerBlock(width: 32, heads: 4, rng: &rng)
            norm = LayerNorm(32)
            head = Linear(32, 8, rng: &rng)
        }
        func callAsFunction(_ ids: [Int32]) -> Tensor {
            let x = tokens(ids, shape: [1, ids.count]) + positions((0..<ids.count).map(Int32.init), shape: [1, ids.count])
            return head(norm(block(x))).reshaped([ids.count, 8])
        }
    }

    func testTransformerOverfitsRepeatingSequence() {
        var rng = RNG(seed: 4)
        let model = TinyGPT(rng: &rng)
        let inputs = Array(Self.sequence[0..<32])
        let targets = Array(Self.sequence[1..<33])
        let opt = Adam.adamW(learningRate: 0.01, weightDecay: 0)
        let step = valueAndGrad(model) { m in crossEntropy(logits: m(inputs), targets: targets) }
        var loss: Float = 10
        for _ in 0..<150 {
            let (l, g) = step()
            opt.update(model, g)
            loss = l.item
        }
        XCTAssertLessThan(loss, 0.05)
    }

    func testSameSeedSameWeightsWithOneAndTwoThreads() {
        func train(threads: Int) -> [Float] {
            Threads.set(threads)
            defer { Threads.set(2) }
            var rng = RNG(seed: 5)
            let conv = Sequential([
                Conv2d(1, 8, kernel: 3, padding: 1, rng: &rng), Activation.relu,
                Activation { $0.reshaped([$0.shape[0], -1]) }, Linear(8 * 16 * 16, 10, rng: &rng),
            ])
            var data = RNG(seed: 6)
            let x = Tensor.normal([16, 1, 16, 16], rng: &data)
            let y: [Int32] = (0..<16).map { Int32($0 % 10) }
            let opt = Adam.adamW(learningRate: 1e-3)
            let step = valueAndGrad(conv) { m in crossEntropy(logits: m(x), targets: y) }
            for _ in 0..<50 { opt.update(conv, step().1) }
            return conv.namedParameters().flatMap { $0.1.wrappedValue.scalars }
        }
        let one = train(threads: 1)
        let two = train(threads: 2)
        XCTAssertEqual(one.count, two.count)
        XCTAssertTrue(zip(one, two).allSatisfy { $0.bitPattern == $1.bitPattern }, "weights differ between 1 and 2 threads")
    }

    func testCosineScheduleAndClipping() {
        let s = CosineSchedule(peak: 1, minimum: 0.1, warmup: 10, total: 110)
        XCTAssertLessThan(s(0), 0.2)
        XCTAssertEqual(s(10), 1, accuracy: 1e-6)
        XCTAssertEqual(s(60), 0.55, accuracy: 1e-4)
        XCTAssertEqual(s(500), 0.1)
        var rng = RNG(seed: 1)
        let model = Linear(4, 4, rng: &rng)
        let (_, g) = valueAndGrad(model) { m in (m(Tensor.ones([2, 4])) * 100).sum() }()
        let (clipped, norm) = clipGradNorm(g, maxNorm: 1)
        XCTAssertGreaterThan(norm, 1)
        XCTAssertEqual(clipped.globalNorm, 1, accuracy: 1e-3)
    }
}
