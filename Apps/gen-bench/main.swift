import CKernels
// gen-bench: speed and memory of the engine, as a table and as bench.json
// ({"machine": {...}, "results": [{"name", "unit", "value", "peak_rss_mb"}]}).
import Foundation
import GenEngine

/// The GEMM cases whose name (`gemm.MxKxN`) starts with `only`, each timed against OpenBLAS's own threading.
func gemmBenchmarks(seconds: Double, only: String) -> [Result] {
    let shapes = [
        (256, 256, 256), (512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048),
        (64, 256, 256), (64, 512, 2048), (4096, 128, 128),
    ].filter { "gemm.\($0.0)x\($0.1)x\($0.2)".hasPrefix(only) }
    var results: [Result] = []
    guard !shapes.isEmpty else { return results }
    let peak = BLASKernel.measuredFMAPeak(threads: Threads.count)
    for (m, k, n) in shapes {
        var rng = RNG(seed: 1)
        let a = Tensor.normal([m, k], rng: &rng)
        let b = Tensor.normal([k, n], rng: &rng)
        var c = [Float](repeating: 0, count: m * n)
        let flops = 2 * Double(m) * Double(n) * Double(k)
        Memory.resetPeak()
        let (ours, direct) = a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    // Alternate the two twice and keep each one's best, so drift on a shared machine
                    // hits both alike.
                    var (o, d) = (0.0, 0.0)
                    for _ in 0..<2 {
                        o = max(
                            o,
                            rate(seconds: seconds / 2) {
                                GEMM.engine(m: m, n: n, k: k, a: pa.baseAddress!, b: pb.baseAddress!, c: pc.baseAddress!)
                            })
                        d = max(
                            d,
                            rate(seconds: seconds / 2) {
                                GEMM.openBLASReference(
                                    m: m, n: n, k: k, a: pa.baseAddress!, b: pb.baseAddress!, c: pc.baseAddress!,
                                    threads: Threads.count)
                            })
                    }
                    return (o, d)
                }
            }
        }
        results.append(
            Result(
                name: "gemm.\(m)x\(k)x\(n)", unit: "GFLOPS", value: ours * flops / 1e9, peakRSSMB: Memory.peakMB(),
                notes: [
                    "openblas_direct_gflops": direct * flops / 1e9, "ratio_to_openblas": ours / direct,
                    "fraction_of_fma_peak": peak > 0 ? ours * flops / 1e9 / peak : 0,
                ]))
    }
    return results
}

/// Times one training step (forward, backward, AdamW update) and tracks memory across steps.
func trainingBenchmark(_ name: String, unit: String, itemsPerStep: Int, seconds: Double, step: () -> Void) -> Result {
    Memory.resetPeak()
    for _ in 0..<3 { step() }
    let rssAfterWarmup = Memory.currentMB()
    let steps = rate(warmup: 0, seconds: seconds, step)
    let growth = Memory.currentMB() - rssAfterWarmup
    return Result(
        name: name, unit: unit, value: steps * Double(itemsPerStep), peakRSSMB: Memory.peakMB(),
        notes: ["rss_growth_mb_after_warmup": growth])
}

func trainingBenchmarks(seconds: Double, only: String) -> [Result] {
    var results: [Result] = []
    var data = RNG(seed: 7)
    func wanted(_ name: String) -> Bool { name.hasPrefix(only) }

    if wanted("train.gpt") {
        var rng = RNG(seed: 1)
        let gpt = makeGPT(rng: &rng)
        let optimizer = Adam.adamW(learningRate: 3e-4)
        let (batch, context) = (12, 64)
        let x = (0..<(batch * context)).map { _ in Int32(data.int(below: 65)) }
        let y = (0..<(batch * context)).map { _ in Int32(data.int(below: 65)) }
        results.append(
            trainingBenchmark("train.gpt", unit: "tokens/s", itemsPerStep: batch * context, seconds: seconds) {
                let (_, g) = valueAndGrad(gpt) { m in m.loss(inputs: x, targets: y, batch: batch) }()
                optimizer.update(gpt, g)
            })
    }
    if wanted("train.lstm") {
        var rng = RNG(seed: 2)
        let lstm = CharLSTM(rng: &rng)
        let optimizer = Adam.adamW(learningRate: 2e-3)
        let (batch, length) = (32, 100)
        let x = (0..<(batch * length)).map { _ in Int32(data.int(below: 65)) }
        let y = (0..<(batch * length)).map { _ in Int32(data.int(below: 65)) }
        results.append(
            trainingBenchmark("train.lstm", unit: "tokens/s", itemsPerStep: batch * length, seconds: seconds) {
                let (_, g) = valueAndGrad(lstm) { m in crossEntropy(logits: m(x, batch: batch), targets: y) }()
                optimizer.update(lstm, g)
            })
    }
    if wanted("train.vae") {
        var rng = RNG(seed: 3)
        let vae = MLPVAE(rng: &rng)
        let optimizer = Adam.adamW(learningRate: 1e-3)
        let batch = 128
        let x = Tensor.uniform([batch, 784], rng: &data)
        var noiseRNG = RNG(seed: 4)
        results.append(
            trainingBenchmark("train.vae", unit: "images/s", itemsPerStep: batch, seconds: seconds) {
                let noise = Tensor.normal([batch, 20], rng: &noiseRNG)
                let (_, g) = valueAndGrad(vae) { m in m.loss(x, noise: noise) }()
                optimizer.update(vae, g)
            })
    }
    if wanted("train.dcgan") {
        var rng = RNG(seed: 5)
        let generator = makeGenerator(rng: &rng)
        let discriminator = makeDiscriminator(rng: &rng)
        let optG = Adam.adamW(learningRate: 2e-4, beta1: 0.5, weightDecay: 0)
        let optD = Adam.adamW(learningRate: 2e-4, beta1: 0.5, weightDecay: 0)
        let batch = 64
        let real = Tensor.uniform([batch, 1, 28, 28], low: -1, high: 1, rng: &data)
        var noiseRNG = RNG(seed: 6)
        let ones = Tensor.ones([batch, 1])
        let zeros = Tensor.zeros([batch, 1])
        results.append(
            trainingBenchmark("train.dcgan", unit: "images/s", itemsPerStep: batch, seconds: seconds) {
                let z = Tensor.normal([batch, 100], rng: &noiseRNG)
                let fake = noGrad { generator(z) }
                let (_, gD) = valueAndGrad(discriminator) { d in
                    binaryCrossEntropy(logits: d(real), targets: ones) + binaryCrossEntropy(logits: d(fake), targets: zeros)
                }()
                optD.update(discriminator, gD)
                let (_, gG) = valueAndGrad(generator) { g in binaryCrossEntropy(logits: discriminator(g(z)), targets: ones) }()
                optG.update(generator, gG)
            })
    }
    return results
}

/// The machine's read bandwidth: a 256 MB buffer (past any cache) summed by 1 and by every
/// thread, each a contiguous share, in GB/s: the ceiling of batch-1 decoding, which reads every
/// weight once per token.
func readBandwidth(seconds: Double) -> [Result] {
    let count = 1 << 26
    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: count)
    defer { buffer.deallocate() }
    buffer.initialize(repeating: 1, count: count)
    func gbps(threads: Int) -> Double {
        let share = count / threads
        let runs = rate(warmup: 1, seconds: seconds / 2, minimum: 3) {
            DispatchQueue.concurrentPerform(iterations: threads) { t in _ = gk_sum(share, buffer + t * share) }
        }
        return runs * Double(count * 4) / 1e9
    }
    let one = gbps(threads: 1)
    let all = gbps(threads: Threads.count)
    print(String(format: "memory read bandwidth: %.1f GB/s on 1 thread, %.1f on %d", one, all, Threads.count))
    return [Result(name: "memory.read", unit: "GB/s", value: all, peakRSSMB: Memory.peakMB(), notes: ["one_thread_GBps": one])]
}

/// Tokens per second of batch-1 generation with the KV cache (random weights, default sampling).
func generationBenchmarks(seconds: Double, only: String) -> [Result] {
    var results: [Result] = []
    func wanted(_ name: String) -> Bool { name.hasPrefix(only) }
    let shapes: [(String, TransformerLMConfig, Int)] = [
        ("generate.gpt", TransformerLMConfig(vocabSize: 65, contextLength: 512, layers: 4, heads: 4, width: 128), 500),
        ("generate.stories15m", TransformerLMConfig(vocabSize: 32000, contextLength: 256, layers: 6, heads: 6, width: 288), 255),
        (
            "generate.gpt2small",
            TransformerLMConfig(
                vocabSize: 50257, contextLength: 1024, layers: 12, heads: 12, width: 768,
                approximateGELU: true), 48
        ),
    ]
    // The two larger shapes again with float16 weights (`DecodingWeights.float16`).
    let precisions =
        shapes.map { ($0.0, $0.1, $0.2, DecodingWeights.float32) } + shapes.dropFirst().map { ($0.0 + ".f16", $0.1, $0.2, .float16) }
    for (name, config, tokens, weights) in precisions where wanted(name) {
        Memory.resetPeak()
        var rng = RNG(seed: 1)
        let model = TransformerLM(config, rng: &rng)
        model.decodingWeights = weights
        var sampler = RNG(seed: 2)
        let options = GenerationOptions(maxTokens: tokens)
        let runs = rate(warmup: 1, seconds: seconds, minimum: 1) { _ = model.generate(prompt: [1], options: options, rng: &sampler) }
        // Every weight is read once per token: the bandwidth the decoder draws from memory.
        let weightsGB = Double(model.parameterCount) * (weights == .float16 ? 2 : 4) / 1e9
        results.append(
            Result(
                name: name, unit: "tokens/s", value: runs * Double(tokens), peakRSSMB: Memory.peakMB(),
                notes: ["parameters_millions": Double(model.parameterCount) / 1e6, "weights_GBps": weightsGB * runs * Double(tokens)]))
    }
    if wanted("generate.lstm") {
        Memory.resetPeak()
        var rng = RNG(seed: 3)
        let model = RecurrentLM(RecurrentLMConfig(vocabSize: 65, embedding: 64, hidden: 256, layers: 2), rng: &rng)
        var sampler = RNG(seed: 4)
        let options = GenerationOptions(maxTokens: 500)
        let runs = rate(warmup: 1, seconds: seconds, minimum: 1) { _ = model.generate(prompt: [1], options: options, rng: &sampler) }
        results.append(Result(name: "generate.lstm", unit: "tokens/s", value: runs * 500, peakRSSMB: Memory.peakMB()))
    }
    // 64 sequences decoded together (the models' batched `generate`), beside batch 1 above.
    let batched: [(String, any SequenceModel, Int)] = [
        (
            "generate.gpt.batch64",
            {
                var rng = RNG(seed: 1)
                return TransformerLM(shapes[0].1, rng: &rng)
            }(), 500
        ),
        (
            "generate.lstm.batch64",
            {
                var rng = RNG(seed: 3)
                return RecurrentLM(RecurrentLMConfig(vocabSize: 65, embedding: 64, hidden: 256, layers: 2), rng: &rng)
            }(),
            500
        ),
    ].filter { wanted($0.0) }
    for (name, model, tokens) in batched {
        Memory.resetPeak()
        var rngs = (0..<64).map { RNG(seed: 2).stream("sequence-\($0)") }
        let options = [GenerationOptions](repeating: GenerationOptions(maxTokens: tokens), count: 64)
        let runs = rate(warmup: 1, seconds: seconds, minimum: 1) {
            _ = model.generate(prompts: [[Int32]](repeating: [1], count: 64), options: options, rngs: &rngs)
        }
        var notes: [String: Double] = [:]
        if let single = results.first(where: { $0.name == name.replacingOccurrences(of: ".batch64", with: "") }) {
            notes["ratio_to_batch1"] = runs * Double(64 * tokens) / single.value
        }
        results.append(Result(name: name, unit: "tokens/s", value: runs * Double(64 * tokens), peakRSSMB: Memory.peakMB(), notes: notes))
    }
    if wanted("ngram"), let text = try? Gzip.readMaybeCompressed(URL(fileURLWithPath: "samples/data/shakespeare/shakespeare_1mb.txt.gz")) {
        Memory.resetPeak()
        let tokens = text.map { Int32($0) }  // bytes as tokens, 1 MB
        let model = NGramModel(NGramConfig(order: 6, vocabSize: 256))
        let start = DispatchTime.now().uptimeNanoseconds
        model.fit([tokens])
        let fitSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        results.append(
            Result(
                name: "ngram.fit", unit: "seconds", value: fitSeconds, peakRSSMB: Memory.peakMB(),
                notes: ["tokens": Double(tokens.count), "entries": Double(model.entryCount)]))
        var sampler = RNG(seed: 5)
        let options = GenerationOptions(maxTokens: 2000)
        let runs = rate(warmup: 1, seconds: seconds, minimum: 1) {
            _ = model.generate(prompt: Array(tokens.prefix(5)), options: options, rng: &sampler)
        }
        results.append(Result(name: "ngram.sample", unit: "tokens/s", value: runs * 2000, peakRSSMB: Memory.peakMB()))
    }
    return results
}

func printTable(_ results: [Result]) {
    print(
        "benchmark".padding(toLength: 24, withPad: " ", startingAt: 0) + "value".leftPad(14) + "  unit       " + "peak MB".leftPad(9)
            + "  notes")
    for r in results {
        let notes = (r.notes ?? [:]).keys.sorted().map { "\($0)=\(String(format: "%.3g", r.notes![$0]!))" }.joined(separator: " ")
        print(
            r.name.padding(toLength: 24, withPad: " ", startingAt: 0) + String(format: r.value < 10 ? "%.3f" : "%.1f", r.value).leftPad(14)
                + "  " + r.unit.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: "%.0f", r.peakRSSMB).leftPad(9)
                + "  " + notes)
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

enum Options {
    static let json = Opt.string("json", "FILE", default: "bench.json", help: "Where to write the results as JSON.")
    static let seconds = Opt.float("seconds", "S", default: 3, in: 0.1...600, help: "Timed seconds per benchmark.")
    static let only = Opt.string(
        "only", "PREFIX", default: "",
        help: "Run only benchmarks whose name starts with PREFIX (peak, gemm, train, generate, ngram, tool).")
}

let run = Command(
    "gen-bench", abstract: "Measure GenSuite: GEMM throughput, training and generation speed, memory, and the tools' wall time.",
    options: [Options.json, Options.seconds, Options.only],
    subcommands: [
        Command(
            "compare", abstract: "Print our/reference ratios of two bench.json files.",
            positionals: [
                Positional("OURS", help: "bench.json of GenSuite."),
                Positional("REFERENCE", help: "bench.json of the reference (PyTorch)."),
            ]
        ) { args in
            let decoder = JSONDecoder()
            let ours = try decoder.decode(Report.self, from: AtomicFile.read(URL(fileURLWithPath: args.positionals[0])))
            let reference = try decoder.decode(Report.self, from: AtomicFile.read(URL(fileURLWithPath: args.positionals[1])))
            print(
                "benchmark".padding(toLength: 24, withPad: " ", startingAt: 0) + "GenSuite".leftPad(12) + "reference".leftPad(12)
                    + "ratio".leftPad(8))
            for r in ours.results {
                guard let ref = reference.results.first(where: { $0.name == r.name }) else { continue }
                print(
                    r.name.padding(toLength: 24, withPad: " ", startingAt: 0) + String(format: "%.1f", r.value).leftPad(12)
                        + String(format: "%.1f", ref.value).leftPad(12) + String(format: "%.2f", r.value / ref.value).leftPad(8))
            }
        }
    ]
) { args in
    let seconds = Double(args[Options.seconds])
    let only = args[Options.only]
    var results: [Result] = []
    let blas = BLASKernel.active
    print(
        "BLAS: \(blas.library), kernel \(blas.core) (\(blas.selection.rawValue)\(blas.selection == .reselected ? " from \(blas.detectedCore)" : "")), CPU \(blas.cpu)"
    )
    if blas.selection == .userSet && !blas.isNative {
        print("note: OPENBLAS_CORETYPE=\(blas.core) uses less than this \(blas.cpu) CPU has; unset it to let the engine choose")
    }
    if "gemm".hasPrefix(only) || only.hasPrefix("gemm") || "peak".hasPrefix(only) {
        let one = BLASKernel.measuredFMAPeak(threads: 1)
        let all = BLASKernel.measuredFMAPeak(threads: Threads.count)
        print(String(format: "FMA peak (measured): %.1f GFLOPS on 1 thread, %.1f on %d", one, all, Threads.count))
        results.append(
            Result(
                name: "peak.fma", unit: "GFLOPS", value: all, peakRSSMB: Memory.peakMB(),
                notes: ["one_thread_gflops": one]))
    }
    if "gemm".hasPrefix(only) || only.hasPrefix("gemm") { results += gemmBenchmarks(seconds: seconds, only: only) }
    if "train".hasPrefix(only) || only.hasPrefix("train") { results += trainingBenchmarks(seconds: seconds, only: only) }
    if "memory".hasPrefix(only) || only.hasPrefix("memory") || "generate" == only { results += readBandwidth(seconds: seconds) }
    if ["generate", "ngram"].contains(where: { $0.hasPrefix(only) || only.hasPrefix($0) }) {
        results += generationBenchmarks(seconds: seconds, only: only)
    }
    if ["tool", "augment"].contains(where: { $0.hasPrefix(only) || only.hasPrefix($0) }) { results += toolBenchmarks(only: only) }
    printTable(results)
    let report = Report(machine: machineDescription(threads: Threads.count), results: results)
    try JSONOutput.write(report, to: URL(fileURLWithPath: args[Options.json]))
}

CLI.main(version: "0.1.0", root: run)
