import XCTest

@testable import GenEngine

/// Per-sequence constrained decoding: every sequence of a batch gets processors of its own.
final class GenerationTests: XCTestCase {
    /// Allows only token `(offset + tokens seen) % vocab`: its state is the count it has seen. A
    /// class on purpose, so that an instance shared between sequences would show in the output.
    final class Counter: LogitsProcessor {
        let offset: Int
        var seen = 0
        init(offset: Int) { self.offset = offset }
        func advance(_ token: Int32) { seen += 1 }
        func process(_ logits: inout [Float]) {
            let allowed = (offset + seen) % logits.count
            for i in logits.indices where i != allowed { logits[i] = -.infinity }
        }
    }

    func testSequencesOfABatchNeverShareProcessorState() {
        let vocab = 7
        let same: LogitsProcessorFactory = { Counter(offset: 0) }
        let options = [
            GenerationOptions(maxTokens: 9, processors: [same]),
            GenerationOptions(maxTokens: 9, processors: [same]),
            GenerationOptions(maxTokens: 5, processors: [{ Counter(offset: 3) }]),
            GenerationOptions(maxTokens: 6),
        ]
        let prompts: [[Int32]] = [[0, 0], [5, 5], [1, 1], [2, 2]]
        var rngs = (0..<4).map { RNG(seed: 9, stream: "s\($0)") }
        let out = generateTokens(prompts: prompts, options: options, rngs: &rngs) { rows, _ in
            rows.map { _ in [Float](repeating: 0, count: vocab) }
        }
        // Each counter saw its own prompt (2 tokens) and then only its own sequence's tokens.
        XCTAssertEqual(out[0].tokens, (2..<11).map { Int32($0 % vocab) })
        XCTAssertEqual(out[1].tokens, (2..<11).map { Int32($0 % vocab) })
        XCTAssertEqual(out[2].tokens, (5..<10).map { Int32($0 % vocab) })
        XCTAssertEqual(out[3].tokens.count, 6)
        XCTAssertTrue(out.allSatisfy { $0.stop == .maxTokens })
    }

    func testClosureProcessorSeesItsOwnSequence() {
        // Forbid repeating the previous token of this sequence.
        let noRepeat: LogitsProcessorFactory = {
            LogitsClosure { logits, tokens in if let last = tokens.last { logits[Int(last)] = -.infinity } }
        }
        let options = Array(repeating: GenerationOptions(maxTokens: 200, processors: [noRepeat]), count: 3)
        var rngs = (0..<3).map { RNG(seed: 4, stream: "s\($0)") }
        let prompts: [[Int32]] = [[0], [1], [2]]
        let out = generateTokens(prompts: prompts, options: options, rngs: &rngs) { rows, _ in
            rows.map { _ in [Float](repeating: 0, count: 3) }
        }
        for (prompt, result) in zip(prompts, out) {
            let sequence = prompt + result.tokens
            XCTAssertFalse(zip(sequence, sequence.dropFirst()).contains { $0 == $1 })
        }
    }

    /// A batch that loses finished rows decodes each sequence exactly as it decodes alone. The
    /// fake model's state per row is the sum of the tokens fed to it, and it allows only token
    /// (sum % vocab): a row given another row's state would show in the output.
    func testCompactedBatchDecodesEachSequenceAsAlone() {
        let vocab = 11
        func decode(_ prompts: [[Int32]], _ options: [GenerationOptions]) -> (out: [[Int32]], sizes: [Int]) {
            var sums: [Int] = []
            var sizes: [Int] = []
            var rngs = prompts.indices.map { RNG(seed: 1, stream: "s\($0)") }
            let out = generateTokens(prompts: prompts, options: options, rngs: &rngs) { tokens, keep in
                if let keep { sums = keep.map { sums[$0] } }
                if sums.isEmpty { sums = Array(repeating: 0, count: tokens.count) }
                XCTAssertEqual(sums.count, tokens.count)
                sizes.append(tokens.count)
                return tokens.indices.map { row in
                    sums[row] += tokens[row].reduce(0) { $0 + Int($1) }
                    var logits = [Float](repeating: -.infinity, count: vocab)
                    logits[sums[row] % vocab] = 0
                    return logits
                }
            }
            return (out.map(\.tokens), sizes)
        }
        let prompts: [[Int32]] = (0..<40).map { [Int32($0 % vocab), 1] }
        let options = (0..<40).map { GenerationOptions(maxTokens: 1 + ($0 * 7) % 23) }
        let (batched, sizes) = decode(prompts, options)
        for i in prompts.indices { XCTAssertEqual(batched[i], decode([prompts[i]], [options[i]]).out[0], "sequence \(i)") }
        XCTAssertLessThan(sizes.last!, 40, "the batch never shrank")
        XCTAssertTrue(sizes.allSatisfy { $0 == 40 || ($0 % 8 == 0 && $0 >= 2) }, "\(sizes)")
    }
}
