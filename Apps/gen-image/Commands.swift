// gen-image's command line: every subcommand, its options and defaults.
import Foundation
import GenEngine

let version = "0.1.0"

let seedOption = Option.value("seed", "N", default: "0", help: "Random seed; the same seed gives the same images.")
let modelOption = Option.value("model", "BUNDLE", help: "Model bundle folder (default: SharedModels/image-mnist-dcgan; reconstruct: image-mnist-cvae).")
let labelOption = Option.value("label", "K", help: "Class of every image (class-conditional models); default: classes in turn.")

let trainCommand = Command("train", abstract: "Train a model on a folder of PNGs (class = subfolder) or MNIST IDX files.", options: [
    .value("data", "PATH", help: "Folder of class subfolders of PNGs, an MNIST train-images-idx3-ubyte[.gz], or a folder holding it."),
    .value("arch", "ARCH", default: "cvae", help: "vae, cvae, dcgan, cdcgan, or classifier (for gen-image eval)."),
    .value("size", "PX", default: "28", help: "Image side in pixels (28, 32 or 64 for the GANs)."),
    .value("channels", "C", default: "1", help: "1 (gray) or 3 (RGB)."),
    .value("epochs", "E", default: "10", help: "Passes over the training images."),
    .value("batch", "N", default: "128", help: "Images per step."),
    .value("lr", "RATE", default: "0.001", help: "Peak learning rate (warm-up, then cosine decay to a tenth)."),
    .value("latent", "D", default: "16", help: "Latent size of a VAE."),
    .value("layout", "KIND", default: "conv", help: "VAE layers: conv (strided convolutions) or mlp (dense, as PyTorch's example)."),
    .value("hidden", "N", default: "256", help: "VAE dense width (mlp: the hidden layer, e.g. 400)."),
    .value("beta", "B", default: "1", help: "VAE weight of the KL term (above 1 pushes class information out of a CVAE's latent)."),
    .value("out", "DIR", help: "Bundle folder to write (checkpoints, metrics.jsonl and curve.png go there too)."),
    .flag("resume", help: "Continue from the checkpoint in --out."),
    .flag("force", help: "Replace an existing bundle in --out."),
    .flag("resize", help: "Scale images of another size to --size instead of stopping."),
    .flag("skip-bad", help: "Skip (and count) unreadable PNG files instead of stopping."),
    seedOption, .flag("quiet", help: "No progress output."),
]) { try train($0) }

let sampleCommand = Command("sample", abstract: "Draw images from a model: one grid PNG, or one PNG per image.", options: [
    modelOption, .value("count", "N", default: "64", help: "Number of images."), seedOption, labelOption,
    .value("grid", "PNG", help: "Write one grid image (default samples.png when --out is not given)."),
    .value("out", "DIR", help: "Write one PNG per image, named <seed>-<i>.png, with tEXt metadata."),
    .value("columns", "N", help: "Images per grid row (default: square)."),
    .value("temperature", "T", default: "1.0", help: "Latent spread: below 1 trades variety for typical images."),
    .flag("force", help: "Overwrite existing image files."),
]) { try sample($0) }

let interpolateCommand = Command("interpolate", abstract: "A latent-space walk (spherical interpolation) drawn as a strip.", options: [
    modelOption, .value("from-seed", "A", default: "0", help: "Seed of the first latent."),
    .value("to-seed", "B", default: "1", help: "Seed of the last latent."),
    .value("from", "PNG", help: "Encode this image as the first latent (VAE)."), .value("to", "PNG", help: "...and this as the last."),
    .value("steps", "N", default: "10", help: "Images in the strip."), labelOption,
    .value("out", "PNG", default: "interpolation.png", help: "Output strip."),
]) { try interpolate($0) }

let reconstructCommand = Command("reconstruct", abstract: "Encode and decode an image; with a mask, inpaint the masked region.", options: [
    modelOption, .value("in", "PNG", help: "Input image."),
    .value("mask", "PNG", help: "White where pixels are missing: the latent is fitted to the visible pixels and fills the rest."),
    .value("steps", "N", default: "300", help: "Latent optimisation steps for inpainting."), labelOption,
    .value("out", "PNG", default: "reconstruction.png", help: "Input and result side by side."),
]) { try reconstruct($0) }

let evalCommand = Command("eval", abstract: "Quality numbers: negative ELBO, test accuracy, label accuracy, Fréchet distance.", options: [
    modelOption, .value("data", "TEST", help: "Test images: a folder, an MNIST t10k idx3 file, or the MNIST folder."),
    .value("classifier", "BUNDLE", help: "Classifier for label accuracy and features (default: SharedModels/image-mnist-classifier)."),
    .value("samples", "N", default: "10000", help: "Generated images for the Fréchet distance."),
    .value("json", "FILE", help: "Also write the numbers as JSON."),
    .flag("record", help: "Store the numbers in the bundle's config.json metrics (as test_<name>)."), seedOption,
    .flag("resize", help: "Scale test images of another size."), .flag("skip-bad", help: "Skip unreadable test files."),
]) { try evaluate($0) }

let root = Command("gen-image", abstract: "Generate and edit images with VAE and GAN models; PNG in and out.",
                   discussion: "With no arguments: 64 samples of the default model (SharedModels/image-mnist-dcgan) as an 8x8 grid, samples.png.",
                   options: [seedOption, .value("grid", "PNG", default: "samples.png", help: "Where the default run writes its grid.")],
                   subcommands: [sampleCommand, interpolateCommand, reconstructCommand, trainCommand, evalCommand]) { args in
    guard case .run(_, let defaults) = try CLI.parse(["--seed", args.string("seed")!, "--grid", args.string("grid")!], root: sampleCommand) else { return }
    try sample(defaults)
}

