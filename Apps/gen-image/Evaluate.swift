// gen-image eval: negative ELBO (VAEs), test accuracy (classifier), and for generators the label
// accuracy of class-conditional samples and the Fréchet distance on the classifier's features.
import Foundation
import GenEngine

func evaluate(_ args: Arguments) throws {
    try ReportOutput.check([args[EvalOptions.json]], args)
    let folder = try modelFolder(args, default: defaultGenerator)
    let (model, manifest) = try loadImageModel(folder)
    let c = manifest.domain
    guard let dataPath = args[EvalOptions.data] else {
        throw CLIError.usage("--data TEST is required (test images: a folder or MNIST t10k files)")
    }
    let background = try backgroundLevel(args, c)
    let test = try loadImages(
        dataPath, size: c.size, channels: c.channels, resize: args[Shared.resize], skipBad: args[Shared.skipBad],
        maxPixels: UInt64(args[Shared.maxPixels]), background: background, test: true
    ).relabelled(as: c.classNames, source: dataPath)
    let seed = args[Shared.seed]
    var results: [(String, Double)] = []
    // Progress over every batch of every stage, counted up front.
    let n = args[EvalOptions.samples]
    let testBatches = batchRanges(test.count).count
    let sampleBatches = batchRanges(n).count
    var total = 0
    if model is VAE { total += testBatches }
    if model is Classifier { total += testBatches }
    if let generator = model as? any ImageGenerator {
        total += 4 * sampleBatches + testBatches + (generator.classes > 0 ? sampleBatches : 0)
    }
    let progress = Progress(total: total, label: "eval", quiet: args[Shared.quiet])
    var done = 0
    func tick() {
        done += 1
        progress.update(done)
    }
    if let vae = model as? VAE {
        var elbo = 0.0
        var recon = 0.0
        var rng = RNG(seed: seed, stream: "elbo")
        for r in batchRanges(test.count) {
            let (x, y) = test.batch(Array(r))
            let l = noGrad { vae.loss(x, labels: vae.config.classes > 0 ? y : nil, rng: &rng) }
            elbo += Double(l.negativeELBO) * Double(r.count)
            recon += Double(l.reconstruction) * Double(r.count)
            tick()
        }
        results += [
            ("negative_elbo_nats", elbo / Double(test.count)), ("reconstruction_nats", recon / Double(test.count)),
            ("kl_nats", (elbo - recon) / Double(test.count)),
        ]
    }
    if let net = model as? Classifier {
        results.append(("test_accuracy", accuracy(net, test, tick: tick)))
    }
    if let generator = model as? any ImageGenerator {
        let classifierFolder =
            try args[EvalOptions.classifier].map { URL(fileURLWithPath: $0) }
            ?? modelFolder(Arguments.empty, default: "image-mnist-classifier")
        let (loaded, _) = try loadImageModel(classifierFolder)
        guard let net = loaded as? Classifier else { throw CLIError.usage("--classifier must be a classifier bundle") }
        var rng = RNG(seed: seed, stream: "eval-samples")
        let wanted = generator.classes > 0 ? (0..<n).map { Int32($0 % generator.classes) } : nil
        var sampled: [Tensor] = []
        for r in batchRanges(n) {
            sampled.append(generator.sampleImages(r.count, labels: wanted.map { Array($0[r]) }, temperature: 1, rng: &rng))
            tick()
        }
        let samples = Tensor.concat(sampled)
        let sampleData = ImageDataset(images: samples, labels: wanted ?? [], classNames: c.classNames)
        if wanted != nil { results.append(("label_accuracy", accuracy(net, sampleData, tick: tick))) }
        let testFeatures = features(net, test.images, tick: tick)
        results.append(("frechet_distance", frechetDistance(features(net, samples, tick: tick), testFeatures)))
        // Floor: real training images against the test set; ceiling: uniform noise.
        let train = try loadImages(
            dataPath, size: c.size, channels: c.channels, resize: false, skipBad: true,
            maxPixels: UInt64(args[Shared.maxPixels]), background: background, test: false)
        let trainFeatures = features(net, train.images.slice(0..<min(n, train.count)), tick: tick)
        results.append(("frechet_floor_train_vs_test", frechetDistance(trainFeatures, testFeatures)))
        var noiseRNG = RNG(seed: seed, stream: "noise")
        results.append(
            (
                "frechet_ceiling_noise_vs_test",
                frechetDistance(features(net, Tensor.uniform([n, c.channels, c.size, c.size], rng: &noiseRNG), tick: tick), testFeatures)
            ))
    }
    for (name, value) in results { print(name.padding(toLength: 32, withPad: " ", startingAt: 0) + String(format: "%.4f", value)) }
    if args[EvalOptions.record] {
        var updated = manifest
        for (name, value) in results { updated.metrics["test_" + name] = value }
        try ModelBundle.writeManifest(updated, for: model, to: folder)
        printError("gen-image: recorded \(results.count) metrics in \(folder.path)/config.json")
    }
    if let json = args[EvalOptions.json] {
        try JSONOutput.write(EvaluationRecord(results: results, model: folder.path, seed: seed), to: URL(fileURLWithPath: json))
    }
}

/// What `eval --json` writes: one key per result (`test_accuracy`, `frechet_distance`, …), beside
/// `model` (the bundle's path) and `seed`.
struct EvaluationRecord: Encodable {
    var results: [(String, Double)]
    var model: String
    var seed: UInt64

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.init(stringValue) }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (name, value) in results { try container.encode(value, forKey: Key(name)) }
        try container.encode(model, forKey: Key("model"))
        try container.encode(seed, forKey: Key("seed"))
    }
}

/// Fraction of `data` the classifier labels correctly; `tick` after each batch.
func accuracy(_ net: Classifier, _ data: ImageDataset, tick: () -> Void = {}) -> Double {
    var correct = 0
    for r in batchRanges(data.count) {
        let predicted = noGrad { net(data.images.slice(r)).argmax(axis: 1).scalars }
        correct += zip(predicted, data.labels[r]).filter { Int32($0) == $1 }.count
        tick()
    }
    return Double(correct) / Double(data.count)
}

/// The classifier's penultimate features `[N, 128]`; `tick` after each batch.
func features(_ net: Classifier, _ images: Tensor, tick: () -> Void = {}) -> Tensor {
    var parts: [Tensor] = []
    for r in batchRanges(images.shape[0]) {
        parts.append(noGrad { net.features(images.slice(r)) })
        tick()
    }
    return Tensor.concat(parts)
}

/// `0..<count` in consecutive ranges of at most 500 (the evaluation batch size).
func batchRanges(_ count: Int) -> [Range<Int>] {
    stride(from: 0, to: count, by: 500).map { $0..<min(count, $0 + 500) }
}
