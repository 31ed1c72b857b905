// gen-image train: a VAE/CVAE, DCGAN/cDCGAN or the evaluation classifier on a folder or MNIST.
import Foundation
import GenEngine

func train(_ args: Arguments) throws {
    typealias O = TrainOptions
    guard let dataPath = args[O.data] else { throw CLIError.usage("--data is required (a folder of class subfolders or MNIST idx files)") }
    let out = try O.group.outputFolder(args)
    let arch = args[O.arch]
    let size = args[O.size]
    let channels = args[O.channels]
    guard [1, 3].contains(channels) else { throw CLIError.usage("--channels must be 1 or 3") }
    // Settings not given are the shipped model's of this architecture.
    let epochs = args.has(O.group.epochs) ? args[O.group.epochs] : arch.defaults.epochs
    let batch = args.has(O.group.batch) ? args[O.group.batch] : arch.defaults.batch
    let seed = args[O.group.seed]
    let resume = args[O.group.resume]
    let background = args[Shared.background] ?? 0
    let data = try loadImages(
        dataPath, size: size, channels: channels, resize: args[Shared.resize], skipBad: args[Shared.skipBad],
        maxPixels: UInt64(args[Shared.maxPixels]), background: UInt8(background))
    let classes = data.classNames.count
    let (trainIndices, validationIndices) = trainValidationSplit(count: data.count, validationFraction: 0.05, seed: seed)
    let batches = ShuffledBatches(examples: trainIndices, batchSize: batch, seed: seed)
    let steps = epochs * batches.batchesPerEpoch
    let validation = data.batch(Array(validationIndices.prefix(2000)))
    let conditional = arch == .cvae || arch == .cdcgan

    let domain = ImageDomain(channels: channels, size: size, classNames: data.classNames, background: background)
    let learningRate = args.has(O.group.learningRate) ? args[O.group.learningRate] : arch.defaults.learningRate
    func trainerConfig(clipNorm: Float?) -> TrainerConfig {
        TrainerConfig(
            steps: steps, learningRate: learningRate, warmupSteps: min(100, steps / 10), clipNorm: clipNorm,
            evalEvery: max(1, batches.batchesPerEpoch / 2), checkpointEvery: max(1, batches.batchesPerEpoch / 2), seed: seed)
    }
    func announce(_ parameters: Int) {
        printError(
            "gen-image: training \(arch) on \(trainIndices.count) images (\(validationIndices.count) held out), "
                + "\(steps) steps of \(batch), \(parameters) parameters")
    }
    var rng = RNG(seed: seed, stream: "init")
    let quiet = args[O.group.quiet]
    let model: any GenerativeModel
    var metrics: [String: Double] = [:]
    let summary: TrainingSummary
    switch arch {
    case .vae, .cvae:
        let config = VAEConfig(
            architecture: args[O.layout], channels: channels, height: size, width: size,
            latent: args[O.latent], hidden: [args[O.hidden]],
            convChannels: size >= 64 ? [32, 64, 128] : [32, 64], beta: args.has(O.beta) ? args[O.beta] : arch.defaults.beta,
            classes: conditional ? classes : 0)
        let vae = VAE(config, rng: &rng)
        announce(vae.parameterCount)
        let trainer = Trainer<VAE>(
            model: vae, optimizer: Adam(learningRate: learningRate), config: trainerConfig(clipNorm: 5), folder: out,
            loss: { m, rng, step in
                let (x, y) = data.batch(batches.batch(step))
                return m.loss(x, labels: conditional ? y : nil, rng: &rng).total
            },
            validate: { m in
                var r = RNG(seed: seed, stream: "validation")
                return Double(m.loss(validation.images, labels: conditional ? validation.labels : nil, rng: &r).negativeELBO)
            })
        trainer.quiet = quiet
        summary = try trainer.run(resume: resume)
        if let best = summary.bestValidationLoss { metrics["validation_negative_elbo_nats"] = best }
        model = vae
    case .dcgan, .cdcgan:
        let config = GANConfig(
            architecture: .dcgan, shape: [channels, size, size], latent: 100, width: 64,
            classes: conditional ? classes : 0, realLabel: 0.9, emaDecay: 0.999)
        let gan = GAN(config, rng: &rng)
        announce(gan.parameterCount)
        let optG = Adam(learningRate: learningRate, beta1: 0.5)
        let optD = Adam(learningRate: learningRate, beta1: 0.5)
        let trainer = Trainer(
            model: gan, optimizers: [("optimizer_g", optG), ("optimizer_d", optD)], config: trainerConfig(clipNorm: nil),
            folder: out,
            step: { m, rng, step in
                let (x, y) = data.batch(batches.batch(step))
                let losses = m.trainStep(
                    real: x * 2 - 1, labels: conditional ? y : nil, generatorOptimizer: optG,
                    discriminatorOptimizer: optD, rng: &rng)
                return Double(losses.generator)
            }, validate: nil)
        trainer.quiet = quiet
        summary = try trainer.run(resume: resume)
        model = gan
    case .classifier:
        let net = Classifier(ClassifierConfig(channels: channels, size: size, classes: classes), rng: &rng)
        announce(net.parameterCount)
        let trainer = Trainer(
            model: net, optimizer: Adam.adamW(learningRate: learningRate, weightDecay: 1e-4),
            config: trainerConfig(clipNorm: 5), folder: out,
            loss: { m, _, step in
                let (x, y) = data.batch(batches.batch(step))
                return crossEntropy(logits: m(x), targets: y)
            }, validate: { m in Double(crossEntropy(logits: m(validation.images), targets: validation.labels).item) })
        trainer.quiet = quiet
        summary = try trainer.run(resume: resume)
        if let best = summary.bestValidationLoss { metrics["validation_loss_nats"] = best }
        let predictions = noGrad { net(validation.images).argmax(axis: 1).scalars }
        metrics["validation_accuracy"] =
            Double(zip(predictions, validation.labels).filter { Int32($0) == $1 }.count) / Double(validation.labels.count)
        model = net
    }
    let command = (["gen-image"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
    let manifest = BundleManifest(
        domain: domain,
        training: TrainingRecord(command: command, data: dataPath, steps: summary.steps, seconds: summary.seconds),
        metrics: metrics)
    try ModelBundle.save(model, manifest: manifest, to: out, overwrite: true)
    printError(
        "gen-image: wrote \(out.path) after \(summary.steps) steps in \(Int(summary.seconds)) s; "
            + metrics.keys.sorted().map { "\($0) \(String(format: "%.4f", metrics[$0]!))" }.joined(separator: ", "))
}
