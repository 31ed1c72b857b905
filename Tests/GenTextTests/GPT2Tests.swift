import Foundation
import XCTest

@testable import GenEngine
@testable import gen_text

/// GPT-2 checkpoints against the real references: tiktoken's gpt2 encoding and a tiny random
/// GPT-2 made with transformers (Fixtures/make_gpt2_fixtures.py wrote both; the tests read only
/// the committed files).
final class GPT2Tests: XCTestCase {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent(name))) as! [String: Any]
    }

    func testGPT2TokenizerEncodesLikeTiktoken() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gpt2-vocab-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (packed, plain) in [("gpt2-vocab.json.gz", "vocab.json"), ("gpt2-merges.txt.gz", "merges.txt")] {
            try Gzip.readMaybeCompressed(fixtures.appendingPathComponent(packed)).write(to: dir.appendingPathComponent(plain))
        }
        let tokenizer = try TokenizerFile.readGPT2(
            vocabulary: dir.appendingPathComponent("vocab.json"), merges: dir.appendingPathComponent("merges.txt"))
        XCTAssertEqual(tokenizer.vocabSize, 50257)
        let text = try String(contentsOf: fixtures.appendingPathComponent("multilingual.txt"), encoding: .utf8)
        let expected = (try json("gpt2_tiktoken_ids.json")["ids"] as! [Int]).map(Int32.init)
        let ids = try tokenizer.encode(text)
        XCTAssertEqual(ids, expected)
        XCTAssertEqual(tokenizer.decode(ids), text)
    }

    func testTinyGPT2LogitsAndGreedyGenerationMatchTransformers() throws {
        let loaded = try GPT2Checkpoint.load(fixtures.appendingPathComponent("tiny-gpt2"))
        let expected = try json("tiny-gpt2-expected.json")
        let prompt = (expected["prompt"] as! [Int]).map(Int32.init)
        let reference = expected["logits"] as! [[Double]]
        let model = loaded.model as! TransformerLM
        let logits = noGrad { model(prompt, batch: 1) }.scalars
        let vocab = model.config.vocabSize
        var worst: Float = 0
        for (t, row) in reference.enumerated() {
            for (v, value) in row.enumerated() { worst = max(worst, abs(logits[t * vocab + v] - Float(value))) }
        }
        XCTAssertLessThan(worst, 1e-4, "largest logit difference")
        var rng = RNG(seed: 0)
        let greedy = model.generate(
            prompt: prompt, options: GenerationOptions(sampling: SamplingOptions(temperature: 0), maxTokens: 20), rng: &rng)
        XCTAssertEqual(greedy.tokens, (expected["greedy"] as! [Int]).map(Int32.init))
        XCTAssertEqual(
            try loaded.tokenizer.encode("To be"),
            try TokenizerFile.readGPT2(
                vocabulary: fixtures.appendingPathComponent("tiny-gpt2/vocab.json"),
                merges: fixtures.appendingPathComponent("tiny-gpt2/merges.txt")
            ).encode("To be"))
    }

    func testGPT2FolderWithAMissingOrMisshapenTensorNamesIt() throws {
        let source = fixtures.appendingPathComponent("tiny-gpt2")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gpt2-bad-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: source, to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        let weights = dir.appendingPathComponent("model.safetensors")
        var tensors = try SafeTensors.read(contentsOf: weights).tensors.map { ($0.name, $0.tensor) }
        tensors.removeAll { $0.0 == "transformer.h.1.mlp.c_fc.bias" }
        if let i = tensors.firstIndex(where: { $0.0 == "transformer.wpe.weight" }) { tensors[i].1 = Tensor.zeros([16, 64]) }
        try SafeTensors(tensors: tensors).write(to: weights)
        XCTAssertThrowsError(try GPT2Checkpoint.load(dir)) { error in
            XCTAssertTrue("\(error)".contains("transformer.h.1.mlp.c_fc.bias"), "\(error)")
            XCTAssertTrue("\(error)".contains("transformer.wpe.weight"), "\(error)")
            XCTAssertEqual(CLIError(from: error).code, .dataError)
        }
        try FileManager.default.removeItem(at: weights)
        XCTAssertThrowsError(try GPT2Checkpoint.load(dir)) { XCTAssertTrue("\($0)".contains("no model.safetensors"), "\($0)") }
    }
}
