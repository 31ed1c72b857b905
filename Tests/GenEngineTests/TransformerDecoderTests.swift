import CKernels
import XCTest

@testable import GenEngine

/// `TransformerDecoder` (one token on raw buffers) against the layers' cached forward pass: the
/// same logits, bit for bit, at every position, for each variant of the architecture.
final class TransformerDecoderTests: XCTestCase {
    func testLogitsAreTheLayersBitForBit() {
        let variants: [(bias: Bool, gelu: Bool, tied: Bool, width: Int, heads: Int)] = [
            (true, false, true, 48, 4), (false, true, false, 40, 5), (true, true, true, 256, 8), (true, false, true, 64, 4),
        ]
        for v in variants {
            var rng = RNG(seed: 11)
            let config = TransformerLMConfig(
                vocabSize: 23, contextLength: 24, layers: 2, heads: v.heads, width: v.width, bias: v.bias,
                approximateGELU: v.gelu, tiedEmbeddings: v.tied)
            let model = TransformerLM(config, rng: &rng)
            model.train(false)
            // Biases and norms away from their initial zeros and ones, so each term counts.
            for (_, p) in model.namedParameters() where p.wrappedValue.rank == 1 {
                p.wrappedValue = Tensor.normal(p.wrappedValue.shape, std: 0.5, rng: &rng)
            }
            let tokens: [Int32] = (0..<20).map { Int32(($0 * 7 + 3) % 23) }
            noGrad {
                let layerCaches = model.makeCaches(batch: 1)
                let decoderCaches = model.makeCaches(batch: 1)
                let decoder = TransformerDecoder(model)
                for (position, token) in tokens.enumerated() {
                    let expected = model([token], batch: 1, caches: layerCaches).scalars
                    let got = decoder(token, caches: decoderCaches)
                    XCTAssertEqual(got.map(\.bitPattern), expected.map(\.bitPattern), "\(v) at position \(position)")
                }
                XCTAssertEqual(decoderCaches[1].length, tokens.count)
            }
        }
    }

    /// float16 decoding computes the logits of the model whose streamed weights are rounded to
    /// float16 (to float32 rounding, the sums taken in another order), close to float32's; a
    /// matrix with a weight too large for float16 keeps float32.
    func testHalfPrecisionDecodingIsTheModelWithRoundedWeights() {
        for (tied, overflow) in [(true, false), (false, false), (false, true)] {
            var rng = RNG(seed: 5)
            let config = TransformerLMConfig(vocabSize: 97, contextLength: 16, layers: 2, heads: 4, width: 64, tiedEmbeddings: tied)
            let model = TransformerLM(config, rng: &rng)
            if overflow {
                var weights = model.body.blocks[1].feedForward.expand.weight.scalars
                weights[100] = 7e4
                model.body.blocks[1].feedForward.expand.weight = Tensor(weights, shape: [256, 64])
            }
            let rounded = TransformerLM(config, rng: &rng)
            for ((_, p), (_, q)) in zip(model.namedParameters(), rounded.namedParameters()) { q.wrappedValue = p.wrappedValue }
            for weight in TransformerDecoder.streamedWeights(rounded) where weight.scalars.allSatisfy({ abs($0) < 65520 }) {
                let p = rounded.namedParameters().first { $0.1.wrappedValue.pointer == weight.pointer }!.1
                p.wrappedValue = Tensor(weight.scalars.map { gk_f32_from_f16(gk_f16_from_f32($0)) }, shape: weight.shape)
            }
            let tokens: [Int32] = (0..<12).map { Int32(($0 * 13 + 5) % 97) }
            let label = "tied \(tied), overflow \(overflow)"
            noGrad {
                let (half, exact, float32) = (model.makeCaches(batch: 1), rounded.makeCaches(batch: 1), model.makeCaches(batch: 1))
                let halfDecoder = TransformerDecoder(model, weights: .float16)
                let (roundedDecoder, floatDecoder) = (TransformerDecoder(rounded), TransformerDecoder(model))
                for token in tokens {
                    let (got, expected, full) = (
                        halfDecoder(token, caches: half), roundedDecoder(token, caches: exact), floatDecoder(token, caches: float32)
                    )
                    XCTAssertTrue(got.allSatisfy(\.isFinite), label)
                    let scale = expected.map(abs).max()!
                    // Tied, the rounded model also reads rounded embeddings; the decoder reads float32 ones.
                    XCTAssertLessThan(zip(got, expected).map { abs($0 - $1) }.max()!, (tied ? 1e-3 : 1e-5) * scale, label)
                    XCTAssertLessThan(zip(got, full).map { abs($0 - $1) }.max()!, 1e-2 * scale, label)
                    XCTAssertNotEqual(got, full, "float16 weights round")
                }
            }
        }
    }

    /// `generate` decodes a lone sequence with the model's `decodingWeights`: the logits it
    /// samples from are those of a decoder with those weights, bit for bit.
    func testGenerateUsesTheModelsDecodingWeights() {
        var rng = RNG(seed: 8)
        let model = TransformerLM(TransformerLMConfig(vocabSize: 31, contextLength: 32, layers: 2, heads: 2, width: 32), rng: &rng)
        for weights in DecodingWeights.allCases {
            model.decodingWeights = weights
            final class Seen { var logits: [[Float]] = [] }
            let seen = Seen()
            let capture: LogitsProcessorFactory = { LogitsClosure { logits, _ in seen.logits.append(logits) } }
            var sampler = RNG(seed: 3)
            let options = GenerationOptions(sampling: SamplingOptions(temperature: 0), maxTokens: 10, processors: [capture])
            let (tokens, _) = model.generate(prompt: [4], options: options, rng: &sampler)
            noGrad {
                let decoder = TransformerDecoder(model, weights: weights)
                let caches = model.makeCaches(batch: 1)
                for (step, token) in ([4] + tokens.dropLast()).enumerated() {
                    XCTAssertEqual(
                        decoder(token, caches: caches).map(\.bitPattern), seen.logits[step].map(\.bitPattern), "\(weights) step \(step)")
                }
            }
        }
    }
}
