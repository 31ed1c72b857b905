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
}
