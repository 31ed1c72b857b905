import Foundation
import XCTest

@testable import GenEngine

/// The generative families recover what they were trained on.
final class FamilyTests: XCTestCase {
    func testNGramRecoversMarkovChainTransitions() throws {
        // A 4-state chain with known transition probabilities.
        let transitions: [[Float]] = [[0.1, 0.6, 0.2, 0.1], [0.5, 0.1, 0.1, 0.3], [0.25, 0.25, 0.25, 0.25], [0.7, 0.0, 0.2, 0.1]]
        var rng = RNG(seed: 21)
        var seq: [Int32] = [0]
        for _ in 0..<100_000 { seq.append(Int32(transitions[Int(seq.last!)].withUnsafeBufferPointer { rng.categorical($0) })) }
        let model = NGramModel(NGramConfig(order: 2, vocabSize: 4))
        model.fit([seq])
        for a in 0..<4 {
            let p = model.distribution(after: [Int32(a)])
            XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-9)
            for b in 0..<4 { XCTAssertEqual(p[b], Double(transitions[a][b]), accuracy: 0.02, "P(\(b)|\(a))") }
        }
        // Round trip through tensors, and unseen contexts still give a distribution.
        let copy = NGramModel(model.config)
        try copy.load(stateDict: Dictionary(uniqueKeysWithValues: model.stateDict()))
        XCTAssertEqual(copy.distribution(after: [3]), model.distribution(after: [3]))
        let high = NGramModel(NGramConfig(order: 5, vocabSize: 4))
        high.fit([Array(seq.prefix(5000))])
        XCTAssertEqual(high.distribution(after: [3, 3, 3, 3]).reduce(0, +), 1, accuracy: 1e-9)
        XCTAssertLessThan(high.entryCount, 4 * 4 * 4 * 4 * 4)
        let ll = model.logLikelihood(Array(seq.prefix(1000)))
        XCTAssertTrue(ll.allSatisfy { $0 < 0 && $0.isFinite })
    }

    func testNGramBackoffUsesTheLongestContextSeen() {
        let model = NGramModel(NGramConfig(order: 3, vocabSize: 6))
        model.fit([[0, 1, 2], [0, 1, 2], [0, 1, 3], [4, 1, 5]])
        // Seen at the highest order: raw counts of what followed (0, 1).
        XCTAssertEqual(model.backoff(after: [0, 1]).tokens, [2, 3])
        XCTAssertEqual(model.backoff(after: [0, 1]).counts, [2, 1])
        // (5, 1) never seen: context (1), continuation counts (how many distinct tokens preceded).
        XCTAssertEqual(model.backoff(after: [5, 1]).tokens, [2, 3, 5])
        XCTAssertEqual(model.backoff(after: [5, 1]).counts, [1, 1, 1])
        // Nothing of the context seen: the empty context, every token.
        XCTAssertEqual(model.backoff(after: [3]).tokens, [0, 1, 2, 3, 4, 5])
    }

    /// A bundle's n-gram tables are checked as they load: contexts out of order, a token outside
    /// the vocabulary and follower lengths that do not add up are each named.
    func testNGramTablesAreCheckedAsTheyLoad() throws {
        let model = NGramModel(NGramConfig(order: 3, vocabSize: 6))
        model.fit([[0, 1, 2], [0, 1, 3], [4, 1, 5], [2, 2, 2, 1]])
        let good = Dictionary(uniqueKeysWithValues: model.stateDict())
        func loading(_ edit: (inout [String: Tensor]) -> Void) -> String {
            var tensors = good
            edit(&tensors)
            do {
                try NGramModel(model.config).load(stateDict: tensors)
                return "loaded"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertEqual(loading { _ in }, "loaded")
        XCTAssertTrue(
            loading { t in
                var rows = t["order2.contexts"]!.scalars
                rows.swapAt(0, 2)
                rows.swapAt(1, 3)
                t["order2.contexts"] = Tensor(rows, shape: t["order2.contexts"]!.shape)
            }.contains("order 2 contexts are not sorted and distinct"))
        XCTAssertTrue(
            loading { t in
                var tokens = t["order1.tokens"]!.scalars
                tokens[0] = 6
                t["order1.tokens"] = Tensor(tokens, shape: [tokens.count])
            }.contains("order 1 has a token outside the vocabulary"))
        XCTAssertTrue(
            loading { t in
                var lengths = t["order1.lengths"]!.scalars
                lengths[0] += 1
                t["order1.lengths"] = Tensor(lengths, shape: [lengths.count])
            }.contains("order 1 tables have inconsistent sizes"))
        // Values a crafted file may hold, each refused without trapping.
        for (name, bad) in [("order1.lengths", -1), ("order1.lengths", Float.nan), ("order1.counts", -Float.infinity)] {
            XCTAssertTrue(
                loading { t in
                    var values = t[name]!.scalars
                    values[0] = bad
                    values[1] -= bad.isFinite ? bad : 0
                    t[name] = Tensor(values, shape: [values.count])
                }.contains("negative or not a number"), "\(name) \(bad)")
        }
        for (name, bad) in [("order2.contexts", Float.nan), ("order1.tokens", Float.infinity), ("order1.tokens", 2.5)] {
            XCTAssertTrue(
                loading { t in
                    var values = t[name]!.scalars
                    values[0] = bad
                    t[name] = Tensor(values, shape: t[name]!.shape)
                }.contains("outside the vocabulary"), "\(name) \(bad)")
        }
    }

    func testGaussianMixtureRecoversMeans() {
        var rng = RNG(seed: 5)
        let centers: [[Float]] = [[-4, 0], [3, 3], [2, -4]]
        var points: [Float] = []
        for i in 0..<1500 {
            let c = centers[i % 3]
            points += [c[0] + 0.6 * rng.normal(), c[1] + 0.4 * rng.normal()]
        }
        let data = Tensor(points, shape: [1500, 2])
        for covariance in [GaussianMixtureConfig.Covariance.full, .diagonal] {
            let gmm = GaussianMixture(GaussianMixtureConfig(components: 3, dimensions: 2, covariance: covariance))
            var fitRNG = RNG(seed: 1)
            let result = gmm.fit(data, rng: &fitRNG)
            XCTAssertLessThan(result.iterations, 200)
            for c in centers {
                let nearest = gmm.means.min {
                    hypot($0[0] - Double(c[0]), $0[1] - Double(c[1])) < hypot($1[0] - Double(c[0]), $1[1] - Double(c[1]))
                }!
                XCTAssertEqual(nearest[0], Double(c[0]), accuracy: 0.1)
                XCTAssertEqual(nearest[1], Double(c[1]), accuracy: 0.1)
            }
            let samples = gmm.sample(3000, rng: &fitRNG)
            XCTAssertEqual(samples.shape, [3000, 2])
            // Samples score like the data.
            let dataLL = gmm.logLikelihood(data).reduce(0, +) / 1500
            let sampleLL = gmm.logLikelihood(samples).reduce(0, +) / 3000
            XCTAssertEqual(dataLL, sampleLL, accuracy: 0.15)
            XCTAssertEqual(dataLL, result.logLikelihood, accuracy: 1e-3)
        }
    }

    func testLogitsProcessorIsNeverViolatedAndStopSequencesEnd() {
        let model = NGramModel(NGramConfig(order: 2, vocabSize: 5))
        model.fit([[0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 2, 2, 1]])
        var rng = RNG(seed: 3)
        let forbid = GenerationOptions(sampling: SamplingOptions(temperature: 1.5), maxTokens: 500, processors: [{ ForbidTokens([2]) }])
        let (tokens, stop) = model.generate(prompt: [0], options: forbid, rng: &rng)
        XCTAssertEqual(tokens.count, 500)
        XCTAssertEqual(stop, .maxTokens)
        XCTAssertFalse(tokens.contains(2))
        let stopAt = GenerationOptions(sampling: SamplingOptions(temperature: 0), maxTokens: 50, stopSequences: [[3, 4]])
        let (greedy, reason) = model.generate(prompt: [0], options: stopAt, rng: &rng)
        XCTAssertEqual(reason, .stopSequence)
        XCTAssertEqual(greedy, [1, 2])
        let all = GenerationOptions(maxTokens: 5, processors: [{ ForbidTokens([0, 1, 2, 3, 4]) }])
        XCTAssertEqual(model.generate(prompt: [0], options: all, rng: &rng).stop, .noAllowedToken)
    }

    func testSamplingFiltersAndSeeds() {
        let logits: [Float] = [2, 1, 0.5, -1, 3]
        var rng = RNG(seed: 1)
        XCTAssertEqual(SamplingOptions(temperature: 0).sample(logits, rng: &rng), 4)
        let topK = SamplingOptions(topK: 2)
        for _ in 0..<200 { XCTAssertTrue([0, 4].contains(topK.sample(logits, rng: &rng))) }
        let topP = SamplingOptions(topP: 0.5)
        for _ in 0..<200 { XCTAssertEqual(topP.sample(logits, rng: &rng), 4) }
        let minP = SamplingOptions(minP: 0.3)
        for _ in 0..<200 { XCTAssertTrue([0, 4].contains(minP.sample(logits, rng: &rng))) }
        var a = RNG(seed: 9)
        var b = RNG(seed: 9)
        XCTAssertEqual(
            (0..<50).map { _ in SamplingOptions().sample(logits, rng: &a) },
            (0..<50).map { _ in SamplingOptions().sample(logits, rng: &b) })
    }

    /// Unfiltered sampling (every token a candidate, the weights in place) draws what the general
    /// path draws (`minP: 0` takes it without removing a token), forbidden tokens never.
    /// A vocabulary past 16,384 tokens takes the threaded path, checked on 1 and 2 threads.
    func testUnfilteredSamplingDrawsAsTheGeneralPath() {
        let saved = Threads.count
        defer { Threads.set(saved) }
        var rng = RNG(seed: 4)
        for (vocab, temperature, threads): (Int, Float, Int) in [
            (500, 0.7, 2), (500, 1, 2), (500, 1.6, 2), (40_000, 1, 1), (40_000, 0.8, 2),
        ] {
            Threads.set(threads)
            var logits = (0..<vocab).map { _ in 3 * rng.normal() }
            for i in stride(from: 7, to: vocab, by: 11) { logits[i] = -.infinity }
            for i in stride(from: 5, to: vocab, by: 97) { logits[i] = .nan }
            var (a, b) = (RNG(seed: 2), RNG(seed: 2))
            let draws = vocab > 1000 ? 40 : 2000
            let unfiltered = (0..<draws).map { _ in SamplingOptions(temperature: temperature).sample(logits, rng: &a) }
            let general = (0..<draws).map { _ in SamplingOptions(temperature: temperature, minP: 0).sample(logits, rng: &b) }
            XCTAssertEqual(unfiltered, general, "\(vocab) tokens, temperature \(temperature), \(threads) threads")
            XCTAssertFalse(unfiltered.contains { !(logits[$0] > -.infinity) })
        }
    }

    func testTransformerKVCacheGenerationEqualsFullRecomputation() {
        var rng = RNG(seed: 8)
        let model = TransformerLM(TransformerLMConfig(vocabSize: 11, contextLength: 16, layers: 2, heads: 2, width: 16), rng: &rng)
        let prompt: [Int32] = [1, 5, 7]
        var genRNG = RNG(seed: 2)
        let options = GenerationOptions(sampling: SamplingOptions(temperature: 0), maxTokens: 12)
        let cached = model.generate(prompt: prompt, options: options, rng: &genRNG).tokens
        // Greedy decoding by recomputing the whole sequence every step.
        var sequence = prompt
        for _ in 0..<12 {
            let logits = noGrad { model(sequence, batch: 1) }
            let last = logits.slice(axis: 1, (sequence.count - 1)..<sequence.count).scalars
            sequence.append(Int32(last.indices.max { last[$0] < last[$1] }!))
        }
        XCTAssertEqual(cached, Array(sequence[prompt.count...]))
    }
}

final class FrechetDistanceTests: XCTestCase {
    func testFrechetDistanceMatchesClosedForm() {
        // Two Gaussians with diagonal covariances: FD = |Δμ|² + Σ (σa - σb)².
        var rng = RNG(seed: 3)
        let n = 20000
        let a = Tensor.normal([n, 2], rng: &rng) * Tensor([1, 2])
        let b = Tensor.normal([n, 2], rng: &rng) * Tensor([3, 2]) + Tensor([1, -1])
        let expected = (1.0 + 1.0) + (1.0 - 3.0) * (1.0 - 3.0) + 0
        XCTAssertEqual(frechetDistance(a, b), expected, accuracy: 0.15)
        XCTAssertEqual(frechetDistance(a, a), 0, accuracy: 1e-6)
        // Jacobi recovers the eigenvalues of a known symmetric matrix.
        let values = symmetricEigen([2, 1, 0, 1, 2, 0, 0, 0, 5], 3).values.sorted()
        assertClose(values.map(Float.init), [1, 3, 5], tolerance: 1e-9)
    }
}
