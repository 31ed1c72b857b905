// gen-image's command line: every subcommand, its typed options and defaults.
import Foundation
import GenEngine

let version = "0.1.0"

/// Options several subcommands share.
enum Shared {
    static let model = Opt.string(
        "model", "BUNDLE",
        help: "Model bundle folder, or a shipped model's name (default: image-mnist-dcgan; "
            + "reconstruct: image-mnist-cvae).")
    static let label = Opt.string(
        "label", "CLASS",
        help: "Class of every image (class-conditional models): its name, as the training folder's class folders, "
            + "or its index; default: classes in turn.")
    static let seed = Opt.seed(help: "Random seed; the same seed gives the same images.")
    static let force = Opt.flag("force", help: "Replace existing output files.")
    static let quiet = Opt.flag("quiet", help: "Do not report the written files on stderr.")
    static let resize = Opt.flag("resize", help: "Scale images of another size to the model's size instead of stopping.")
    static let skipBad = Opt.flag("skip-bad", help: "Skip (and count) unreadable image files instead of stopping.")
    static let maxPixels = Opt.int(
        "max-pixels", default: 1 << 24, in: 1...(1 << 31),
        help: "Largest input image read, in pixels (a bound on memory: 4096x4096 by default).")
    static let background = Opt.int(
        "background", "GRAY", in: 0...255,
        help: "Gray level (0 black to 255 white) that transparent pixels are composited over; "
            + "default: the model's training background (train: 0, MNIST's black).")
}

/// The architectures `train --arch` offers.
enum ImageArchitecture: String, CaseIterable {
    case vae, cvae, dcgan, cdcgan, classifier

    /// Epochs, peak learning rate, batch and KL weight when not given: the shipped models'
    /// settings (their MODEL_CARD.md commands; DCGAN's 0.0002 and 64 are Radford et al. 2016's).
    var defaults: (epochs: Int, learningRate: Float, batch: Int, beta: Float) {
        switch self {
        case .vae: return (12, 0.001, 128, 1)
        case .cvae: return (12, 0.001, 128, 3)
        case .dcgan, .cdcgan: return (8, 0.0002, 64, 1)
        case .classifier: return (5, 0.002, 128, 1)
        }
    }
}

enum TrainOptions {
    static let group = TrainingOptionGroup(
        epochs: 12, learningRate: 0.001, batch: 128, batchHelp: "Images per step.",
        defaultsBy: "--arch")
    static let data = Opt.string(
        "data", "PATH",
        help: "Folder of class subfolders of PNGs, an MNIST train-images-idx3-ubyte[.gz], "
            + "or a folder holding it.")
    static let arch = Opt.choice(
        "arch", "ARCH", default: ImageArchitecture.cvae,
        help: "The model (classifier: for gen-image eval). Its defaults are the shipped models' settings: cvae 12 epochs, "
            + "lr 0.001, batch 128, beta 3; cdcgan and dcgan 8, 0.0002, 64; classifier 5, 0.002, 128; vae as cvae with beta 1.")
    static let size = Opt.int("size", "PX", default: 28, in: 8...256, help: "Image side in pixels (28, 32 or 64 for the GANs).")
    static let channels = Opt.int("channels", "C", default: 1, in: 1...3, help: "1 (gray) or 3 (RGB).")
    static let latent = Opt.int("latent", "D", default: 16, in: 1...4096, help: "Latent size of a VAE.")
    static let layout = Opt.choice(
        "layout", "KIND", default: VAEConfig.Architecture.conv,
        help: "VAE layers: conv (strided convolutions) or mlp (dense, as PyTorch's example).")
    static let hidden = Opt.int("hidden", default: 256, in: 1...65536, help: "VAE dense width (mlp: the hidden layer, e.g. 400).")
    static let beta = Opt<Float>(
        "beta", "B", default: 3, defaultText: "by --arch",
        help: "VAE weight of the KL term (above 1 pushes class information out of a CVAE's latent)."
    ) { text in
        guard let value = Float(text), (0...100).contains(value) else {
            throw CLIError.usage("--beta must be a number in 0...100, got '\(text)'")
        }
        return value
    }
    static let all: [any OptionConvertible] =
        [data, arch, size, channels, latent, layout, hidden, beta, Shared.resize, Shared.skipBad, Shared.maxPixels, Shared.background]
        + group.options
}

enum SampleOptions {
    static let sampling = SamplingOptionGroup(
        count: 64, seedHelp: "Random seed; the same seed gives the same images.",
        temperatureHelp: "Latent spread: below 1 trades variety for typical images.",
        countHelp: "Number of images.", tokenFilters: false)
    static let grid = Opt.string("grid", "PNG", help: "Write one grid image (default samples.png when --out is not given).")
    static let out = Opt.string("out", "DIR", help: "Write one PNG per image, named sample-<seed>-<i>.png, with tEXt metadata.")
    static let columns = Opt.int("columns", in: 1...1000, help: "Images per grid row (default: square).")
    static let stats = Opt.string("stats", "FILE.json", help: "Write what was done (model, seed, count, labels, files, seconds) as JSON.")
    static let scale = Opt.int(
        "scale", default: 1, in: 1...32, help: "Enlarge each output N times (nearest pixels; --smooth for bilinear).")
    static let smooth = Opt.flag("smooth", help: "With --scale: bilinear enlargement instead of crisp pixels.")
    static let seeds = Opt.intList(
        "seeds", in: 0...Int(Int32.max),
        help: "One image per seed, seed<NNNN>.png in --out (e.g. 0-35,40, as StyleGAN's generator): each from its own seed, "
            + "its class --label or the seed mod the classes, so any one is made again alone.")
    static let labels = Opt.intList(
        "labels", in: 0...9999, limit: 1000, help: "A grid with one row per class (e.g. 0-9), --columns images each (default 8).")
    static let all: [any OptionConvertible] =
        [Shared.model, Shared.label, labels, seeds, grid, out, columns, stats, scale, smooth] + sampling.options + [
            Shared.force, Shared.quiet,
        ]
}

enum InterpolateOptions {
    static let fromSeed = Opt.seed("from-seed", "A", default: 0, help: "Seed of the first latent.")
    static let toSeed = Opt.seed("to-seed", "B", default: 1, help: "Seed of the last latent.")
    static let from = Opt.string("from", "PNG", help: "Encode this image as the first latent (VAE; with --to).")
    static let to = Opt.string("to", "PNG", help: "...and this as the last.")
    static let steps = Opt.int("steps", default: 10, in: 2...1000, help: "Images in the strip.")
    static let out = Opt.string("out", "PNG", default: "interpolation.png", help: "Output strip.")
}

enum ReconstructOptions {
    static let input = Opt.string("in", "PNG", help: "Input image.")
    static let mask = Opt.string(
        "mask", "PNG", help: "White where pixels are missing: the latent is fitted to the visible pixels and fills the rest.")
    static let steps = Opt.int("steps", default: 300, in: 1...100_000, help: "Latent optimisation steps for inpainting.")
    static let out = Opt.string("out", "PNG", default: "reconstruction.png", help: "Input and result side by side.")
}

enum EvalOptions {
    static let data = Opt.string("data", "TEST", help: "Test images: a folder, an MNIST t10k idx3 file, or the MNIST folder.")
    static let classifier = Opt.string(
        "classifier", "BUNDLE",
        help: "Classifier for label accuracy and features "
            + "(default: SharedModels/image-mnist-classifier).")
    static let samples = Opt.int("samples", default: 10_000, in: 10...100_000, help: "Generated images for the Fréchet distance.")
    static let json = Opt.string("json", "FILE", help: "Also write the numbers as JSON.")
    static let record = Opt.flag("record", help: "Store the numbers in the bundle's config.json metrics (as test_<name>).")
}

let trainCommand = Command(
    "train", abstract: "Train a model on a folder of PNGs (class = subfolder) or MNIST IDX files.",
    options: TrainOptions.all
) { try train($0) }

let sampleCommand = Command(
    "sample", abstract: "Draw images from a model: one grid PNG, or one PNG per image.",
    options: SampleOptions.all
) { try sample($0) }

let interpolateCommand = Command(
    "interpolate", abstract: "A latent-space walk (spherical interpolation) drawn as a strip.",
    options: [
        Shared.model, InterpolateOptions.fromSeed, InterpolateOptions.toSeed, InterpolateOptions.from, InterpolateOptions.to,
        InterpolateOptions.steps, Shared.label, InterpolateOptions.out, Shared.force, Shared.quiet, Shared.maxPixels, Shared.background,
    ]
) { try interpolate($0) }

let reconstructCommand = Command(
    "reconstruct", abstract: "Encode and decode an image; with a mask, inpaint the masked region.",
    options: [
        Shared.model, ReconstructOptions.input, ReconstructOptions.mask, ReconstructOptions.steps, Shared.label, ReconstructOptions.out,
        Shared.force, Shared.quiet, Shared.maxPixels, Shared.background,
    ]
) { try reconstruct($0) }

let evalCommand = Command(
    "eval", abstract: "Quality numbers: negative ELBO, test accuracy, label accuracy, Fréchet distance.",
    options: [
        Shared.model, EvalOptions.data, EvalOptions.classifier, EvalOptions.samples, EvalOptions.json, ReportOutput.force,
        EvalOptions.record, Shared.seed,
        Shared.resize, Shared.skipBad, Shared.maxPixels, Shared.background, Shared.quiet,
    ]
) { try evaluate($0) }

let root = Command(
    "gen-image", abstract: "Generate and edit images with VAE and GAN models; PNG in and out.",
    discussion: "With no arguments: 64 samples of the default model (SharedModels/image-mnist-dcgan) as an 8x8 grid, samples.png.",
    subcommands: [sampleCommand, interpolateCommand, reconstructCommand, trainCommand, evalCommand],
    defaultSubcommand: "sample")
