// gen-image train: a VAE/CVAE, DCGAN/cDCGAN or the evaluation classifier on a folder or MNIST.
import Foundation
import GenEngine

func train(_ args: Arguments) throws {
    guard let dataPath = args.string("data") else { throw CLIError.usage("--data is required (a folder of class subfolders or MNIST idx files)") }
    guard let outPath = args.string("out") else { throw CLIError.usage("--out is required (the bundle folder to write)") }
    let arch = args.string("arch")!
    let size = try args.int("size", in: 8...256)!, channels = try args.int("channels", in: 1...3)!
    guard [1, 3].contains(channels) else { throw CLIError.usage("--channels must be 1 or 3") }
    let epochs = try args.int("epochs", in: 1...10_000)!, batch = try args.int("batch", in: 1...4096)!
    let seed = try args.seed()!
    let out = URL(fileURLWithPath: outPath)
    let resume = args.flag("resume")
    if FileManager.default.fileExists(atPath: out.appendingPathComponent(ModelBundle.configFile).path) && !resume && !args.flag("force") {
        throw IOFailure.exists(out.path)
    }
    let data = try loadImages(dataPath, size: size, channels: channels, resize: args.flag("resize"), skipBad: args.flag("skip-bad"))
    let classes = data.classNames.count
    let (trainIndices, validationIndices) = trainValidationSplit(count: data.count, validationFraction: 0.05, seed: seed)
    let batches = ShuffledBatches(examples: trainIndices, batchSize: batch, seed: seed)
    let steps = epochs * batches.batchesPerEpoch
    let validation = data.batch(Array(validationIndices.prefix(2000)))
    let conditional = arch == "cvae" || arch == "cdcgan"

    var config = ImageBundleConfig(kind: .classifier, channels: channels, size: size, classNames: data.classNames)
    switch arch {
    case "vae", "cvae":
        config.kind = .vae
        let layout = args.string("layout")!
        guard let architecture = VAEConfig.Architecture(rawValue: layout) else {
            throw CLIError.usage("--layout must be conv or mlp, got '\(layout)'")
        }
        config.vae = VAEConfig(architecture: architecture, channels: channels, height: size, width: size,
                               latent: try args.int("latent", in: 1...4096)!, hidden: [try args.int("hidden", in: 1...65536)!],
                               convChannels: size >= 64 ? [32, 64, 128] : [32, 64], beta: try args.float("beta", in: 0...100)!,
                               classes: conditional ? classes : 0)
    case "dcgan", "cdcgan":
        config.kind = .gan
        config.gan = GANConfig(architecture: .dcgan, shape: [channels, size, size], latent: 100, width: 64,
                               classes: conditional ? classes : 0, realLabel: 0.9, emaDecay: 0.999)
    case "classifier":
        config.kind = .classifier
    default:
        throw CLIError.usage("--arch must be vae, cvae, dcgan, cdcgan or classifier, got '\(arch)'")
    }
    let model = ImageModel.build(config, seed: seed)
    let learningRate = try args.float("lr", in: 1e-6...1)!
    let trainerConfig = TrainerConfig(steps: steps, learningRate: learningRate, warmupSteps: min(100, steps / 10),
                                      clipNorm: config.kind == .gan ? nil : 5, evalEvery: max(1, batches.batchesPerEpoch / 2),
                                      checkpointEvery: max(1, batches.batchesPerEpoch / 2), seed: seed)
    printError("gen-image: training \(arch) on \(trainIndices.count) images (\(validationIndices.count) held out), "
               + "\(steps) steps of \(batch), \(model.module.parameterCount) parameters")
    let summary: TrainingSummary
    switch model {
    case .vae(let vae):
        let trainer = Trainer(model: vae, optimizer: Adam(learningRate: learningRate), config: trainerConfig, folder: out,
                              loss: { m, rng, step in
                                  let (x, y) = data.batch(batches.batch(step))
                                  return m.loss(x, labels: conditional ? y : nil, rng: &rng).total
                              }, validate: { m in
                                  var r = RNG(seed: seed, stream: "validation")
                                  return Double(m.loss(validation.images, labels: conditional ? validation.labels : nil, rng: &r).negativeELBO)
                              })
        trainer.quiet = args.flag("quiet")
        summary = try trainer.run(resume: resume)
    case .gan(let gan):
        let optG = Adam(learningRate: learningRate, beta1: 0.5), optD = Adam(learningRate: learningRate, beta1: 0.5)
        let trainer = Trainer(model: gan, optimizers: [("optimizer_g", optG), ("optimizer_d", optD)], config: trainerConfig, folder: out,
                              step: { m, rng, step in
                                  let (x, y) = data.batch(batches.batch(step))
                                  let losses = m.trainStep(real: x * 2 - 1, labels: conditional ? y : nil, generatorOptimizer: optG,
                                                           discriminatorOptimizer: optD, rng: &rng)
                                  return Double(losses.generator)
                              }, validate: nil)
        trainer.quiet = args.flag("quiet")
        summary = try trainer.run(resume: resume)
    case .classifier(let net):
        let trainer = Trainer(model: net, optimizer: Adam.adamW(learningRate: learningRate, weightDecay: 1e-4), config: trainerConfig,
                              folder: out, loss: { m, _, step in
                                  let (x, y) = data.batch(batches.batch(step))
                                  return crossEntropy(logits: m(x), targets: y)
                              }, validate: { m in Double(crossEntropy(logits: m(validation.images), targets: validation.labels).item) })
        trainer.quiet = args.flag("quiet")
        summary = try trainer.run(resume: resume)
    }
    var metrics: [String: Double] = [:]
    if let best = summary.bestValidationLoss { metrics[config.kind == .vae ? "validation_negative_elbo_nats" : "validation_loss_nats"] = best }
    if case .classifier(let net) = model {
        let predictions = noGrad { net(validation.images).argmax(axis: 1).scalars }
        metrics["validation_accuracy"] = Double(zip(predictions, validation.labels).filter { Int32($0) == $1 }.count) / Double(validation.labels.count)
    }
    let command = (["gen-image"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
    let manifest = BundleManifest(family: "image-\(config.kind.rawValue)", config: config,
                                  training: TrainingRecord(command: command, data: dataPath, steps: summary.steps, seconds: summary.seconds),
                                  metrics: metrics)
    try ModelBundle.save(model.module, manifest: manifest, to: out, overwrite: true)
    printError("gen-image: wrote \(out.path) after \(summary.steps) steps in \(Int(summary.seconds)) s; "
               + metrics.keys.sorted().map { "\($0) \(String(format: "%.4f", metrics[$0]!))" }.joined(separator: ", "))
}
