import Foundation
import XCTest

@testable import GenEngine

/// VAE, GAN and the two language models learn on small synthetic data.
final class NeuralFamilyTests: XCTestCase {
    /// 8×8 binary images with one horizontal and one vertical bar.
    static func bars(_ count: Int, rng: inout RNG) -> Tensor {
        var pixels = [Float](repeating: 0, count: count * 64)
        for i in 0..<count {
            let row = rng.int(below: 8)
            let col = rng.int(below: 8)
            for j in 0..<8 {
                pixels[i * 64 + row * 8 + j] = 1
                pixels[i * 64 + j * 8 + col] = 1
            }
        }
        return Tensor(pixels, shape: [count, 1, 8, 8])
    }

    func testVAEHalvesItsNegativeELBOAndInterpolates() {
        var rng = RNG(seed: 1)
        let vae = VAE(VAEConfig(architecture: .mlp, channels: 1, height: 8, width: 8, latent: 4, hidden: [64]), rng: &rng)
        var data = RNG(seed: 2)
        let test = Self.bars(256, rng: &data)
        func elbo() -> Float {
            var r = RNG(seed: 3)
            return noGrad { vae.loss(test, rng: &r).negativeELBO }
        }
        let before = elbo()
        let optimizer = Adam(learningRate: 3e-3)
        for _ in 0..<300 {
            let batch = Self.bars(64, rng: &data)
            var noise = data.stream("noise")
            let (_, g) = valueAndGrad(vae) { m in m.loss(batch, rng: &noise).total }()
            optimizer.update(vae, g)
            _ = data.next()
        }
        let after = elbo()
        XCTAssertLessThan(after, before / 2, "negative ELBO \(before) -> \(after) nats")
        let (mu, _) = noGrad { vae.encode(test.slice(0..<2)) }
        let path = interpolateLatents(mu.slice(0..<1).reshaped([4]), mu.slice(1..<2).reshaped([4]), steps: 7)
        XCTAssertEqual(path.shape, [7, 4])
        assertClose(path.slice(0..<1).scalars, mu.slice(0..<1).scalars, tolerance: 1e-4)
        assertClose(path.slice(6..<7).scalars, mu.slice(1..<2).scalars, tolerance: 1e-4)
        let decoded = noGrad { vae.decode(path) }
        XCTAssertEqual(decoded.shape, [7, 1, 8, 8])
        XCTAssertTrue(decoded.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    func testConditionalConvVAEAndDCGANShapes() {
        var rng = RNG(seed: 4)
        let cvae = VAE(VAEConfig(architecture: .conv, channels: 1, height: 28, width: 28, latent: 8, hidden: [64], classes: 10), rng: &rng)
        let x = Tensor.uniform([3, 1, 28, 28], rng: &rng)
        let loss = cvae.loss(x, labels: [1, 2, 3], rng: &rng)
        XCTAssertTrue(loss.reconstruction > 0 && loss.kl >= 0)
        XCTAssertEqual(cvae.sample(5, labels: [0, 1, 2, 3, 4], rng: &rng).shape, [5, 1, 28, 28])
        for shape in [[1, 28, 28], [3, 32, 32], [3, 64, 64]] {
            let gan = GAN(GANConfig(architecture: .dcgan, shape: shape, latent: 16, width: 8, classes: 10, emaDecay: 0.99), rng: &rng)
            let images = gan.sample(2, labels: [3, 4], truncation: 1.5, rng: &rng)
            XCTAssertEqual(images.shape, [2] + shape)
            XCTAssertEqual(noGrad { gan.discriminate(images, labels: [3, 4]) }.shape, [2, 1])
        }
    }

    func testGANCoversTheModesOfARing() {
        var rng = RNG(seed: 7)
        let gan = GAN(GANConfig(architecture: .mlp, shape: [2], latent: 8, width: 64, realLabel: 1), rng: &rng)
        let optG = Adam(learningRate: 1e-3, beta1: 0.5)
        let optD = Adam(learningRate: 1e-3, beta1: 0.5)
        let modes: [(Double, Double)] = (0..<8).map { (k: Int) -> (Double, Double) in
            let angle = Double(k) * Double.pi / 4
            return (2 * Foundation.cos(angle), 2 * Foundation.sin(angle))
        }
        var data = RNG(seed: 8)
        for _ in 0..<1500 {
            var points: [Float] = []
            for _ in 0..<128 {
                let m = modes[data.int(below: 8)]
                points += [Float(m.0) + 0.05 * data.normal(), Float(m.1) + 0.05 * data.normal()]
            }
            gan.trainStep(real: Tensor(points, shape: [128, 2]), generatorOptimizer: optG, discriminatorOptimizer: optD, rng: &data)
        }
        let samples = gan.sample(1000, rng: &rng).scalars
        var hits = [Int](repeating: 0, count: 8)
        for i in 0..<1000 {
            let (x, y) = (Double(samples[2 * i]), Double(samples[2 * i + 1]))
            for (k, m) in modes.enumerated() where hypot(x - m.0, y - m.1) < 0.5 { hits[k] += 1 }
        }
        XCTAssertGreaterThanOrEqual(hits.filter { $0 >= 10 }.count, 6, "samples per mode: \(hits)")
    }

    /// A deterministic language: after two random tokens, each token is the sum of the previous two mod 10.
    static func fibonacciBatch(_ batch: Int, _ length: Int, rng: inout RNG) -> (inputs: [Int32], targets: [Int32]) {
        var x: [Int32] = []
        var y: [Int32] = []
        for _ in 0..<batch {
            var s = [Int32(rng.int(below: 10)), Int32(rng.int(below: 10))]
            while s.count <= length { s.append((s[s.count - 1] + s[s.count - 2]) % 10) }
            x += s[0..<length]
            y += [-100] + s[2...length]  // the second token is random: not scored
        }
        return (x, y)
    }

    func languageModelReachesLowLoss<M: Module>(
        _ model: M, loss: @escaping (M, [Int32], [Int32], Int) -> Tensor, steps: Int, learningRate: Float = 1e-2
    ) throws -> Double {
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = TrainerConfig(steps: steps, learningRate: learningRate, warmupSteps: 10, evalEvery: steps / 2, seed: 4)
        let trainer = Trainer(
            model: model, optimizer: Adam.adamW(learningRate: 1e-2, weightDecay: 0), config: config, folder: dir,
            loss: { m, rng, _ in
                let b = Self.fibonacciBatch(16, 24, rng: &rng)
                return loss(m, b.inputs, b.targets, 16)
            },
            validate: { m in
                var r = RNG(seed: 77)
                let b = Self.fibonacciBatch(64, 24, rng: &r)
                return Double(loss(m, b.inputs, b.targets, 64).item)
            })
        trainer.quiet = true
        return try trainer.run().bestValidationLoss!
    }

    func testRecurrentLMLearnsDeterministicLanguage() throws {
        for cell in [RecurrentLMConfig.Cell.lstm, .gru] {
            var rng = RNG(seed: 5)
            let model = RecurrentLM(RecurrentLMConfig(vocabSize: 10, embedding: 32, hidden: 64, layers: 1, cell: cell), rng: &rng)
            let best = try languageModelReachesLowLoss(
                model, loss: { m, x, y, b in m.loss(inputs: x, targets: y, batch: b).loss }, steps: 600)
            XCTAssertLessThan(best, 0.1, "\(cell) validation loss")
            var g = RNG(seed: 1)
            let continuation = model.generate(
                prompt: [3, 4], options: GenerationOptions(sampling: SamplingOptions(temperature: 0), maxTokens: 6), rng: &g
            ).tokens
            XCTAssertEqual(continuation, [7, 1, 8, 9, 7, 6])
        }
    }

    func testTransformerLMLearnsDeterministicLanguage() throws {
        var rng = RNG(seed: 6)
        let model = TransformerLM(TransformerLMConfig(vocabSize: 10, contextLength: 32, layers: 2, heads: 4, width: 64), rng: &rng)
        let best = try languageModelReachesLowLoss(
            model,
            loss: { m, x, y, b in
                crossEntropy(logits: m(x, batch: b).reshaped([-1, 10]), targets: y)
            }, steps: 600, learningRate: 2e-3)
        XCTAssertLessThan(best, 0.1)
    }

    func testStreamBatchesCarryConsecutiveText() {
        let stream = StreamBatches(tokens: (0..<100).map(Int32.init), batch: 2, length: 5)
        let first = stream.chunk(0)
        let second = stream.chunk(1)
        XCTAssertEqual(first.inputs, [0, 1, 2, 3, 4, 50, 51, 52, 53, 54])
        XCTAssertEqual(first.targets, [1, 2, 3, 4, 5, 51, 52, 53, 54, 55])
        XCTAssertEqual(second.inputs.prefix(5), [5, 6, 7, 8, 9])
        XCTAssertTrue(first.startsEpoch)
        XCTAssertFalse(second.startsEpoch)
        XCTAssertTrue(stream.chunk(stream.stepsPerEpoch).startsEpoch)
    }

    /// Scoring in batches of windows (Transformer) and chunks with carried state (LSTM) gives what
    /// one window or one pass at a time gives.
    func testSequenceScoringMatchesOneAtATime() {
        var rng = RNG(seed: 11)
        let sequences: [[Int32]] = [40, 9, 1, 33].map { n in (0..<n).map { _ in Int32(rng.int(below: 7)) } }
        let gpt = TransformerLM(TransformerLMConfig(vocabSize: 7, contextLength: 8, layers: 1, heads: 2, width: 8), rng: &rng)
        var total = 0.0
        var count = 0
        for s in sequences where s.count > 1 {
            for start in stride(from: 0, to: s.count - 1, by: 8) {
                let end = min(s.count - 1, start + 8)
                total +=
                    noGrad { Double(gpt.loss(inputs: Array(s[start..<end]), targets: Array(s[(start + 1)...end]), batch: 1).item) }
                    * Double(end - start)
            }
            count += s.count - 1
        }
        XCTAssertEqual(gpt.negativeLogLikelihood(sequences), total / Double(count), accuracy: 1e-5)
        let lstm = RecurrentLM(RecurrentLMConfig(vocabSize: 7, embedding: 4, hidden: 8, layers: 1), rng: &rng)
        let long = (0..<2500).map { _ in Int32(rng.int(below: 7)) }
        let whole = noGrad { Double(lstm.loss(inputs: Array(long.dropLast()), targets: Array(long.dropFirst()), batch: 1).loss.item) }
        XCTAssertEqual(lstm.negativeLogLikelihood([long]), whole, accuracy: 1e-4)
    }
}
