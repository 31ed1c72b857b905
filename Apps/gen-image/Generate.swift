// gen-image sample / interpolate / reconstruct: images out of a model, PNG with metadata.
import Foundation
import GenEngine

/// The bundle to use: `--model` (a path or a shipped model's name), else the shipped default
/// `SharedModels/<name>` found from `GENSUITE_MODELS`, the working directory or the executable's location.
func modelFolder(_ args: Arguments, default name: String) throws -> URL {
    try ModelBundle.resolve(args.string("model"), default: name)
}

/// The default model for sampling: the class-conditional DCGAN (96% label accuracy; the CVAE is
/// the default where an encoder is needed).
let defaultGenerator = "image-mnist-dcgan"

/// Class labels for `count` images: all `--label K`, or 0,1,2,… cycling for a conditional model.
func labels(_ args: Arguments, model: ImageModel, count: Int) throws -> [Int32]? {
    let classes = model.classes
    if let k = try args.int("label") {
        guard classes > 0 else { throw CLIError.usage("--label needs a class-conditional model; this one has no classes") }
        guard (0..<classes).contains(k) else { throw CLIError.usage("--label must be in 0...\(classes - 1), got \(k)") }
        return Array(repeating: Int32(k), count: count)
    }
    return classes > 0 ? (0..<count).map { Int32($0 % classes) } : nil
}

func metadata(model: URL, seed: UInt64, label: Int32?, index: Int?) -> [PNGText] {
    var text = [PNGText("Software", "gen-image \(version) (GenSuite)"), PNGText("model", model.path), PNGText("seed", "\(seed)")]
    if let label { text.append(PNGText("label", "\(label)")) }
    if let index { text.append(PNGText("index", "\(index)")) }
    return text
}

func sample(_ args: Arguments) throws {
    let folder = try modelFolder(args, default: defaultGenerator)
    let (model, _) = try ImageModel.load(folder)
    let count = try args.int("count", in: 1...100_000)!, seed = try args.seed()!
    let temperature = try args.float("temperature", in: 0.01...10)!
    let chosen = try labels(args, model: model, count: count)
    var rng = RNG(seed: seed, stream: "sample")
    let images = try model.sample(count, labels: chosen, temperature: temperature, rng: &rng)
    if let dir = args.string("out"), !args.has("grid") {
        let out = URL(fileURLWithPath: dir)
        do { try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true) } catch {
            throw IOFailure.cannotCreate(out.path, reason: error.localizedDescription)
        }
        for i in 0..<count {
            let url = out.appendingPathComponent("\(seed)-\(i).png")
            if FileManager.default.fileExists(atPath: url.path) && !args.flag("force") { throw IOFailure.exists(url.path) }
            try PNG.write(Image(tensor: images.slice(i..<(i + 1)).reshaped(Array(images.shape.dropFirst())),
                                text: metadata(model: folder, seed: seed, label: chosen?[i], index: i)), to: url)
        }
        printError("gen-image: wrote \(count) images to \(out.path)/\(seed)-*.png")
    } else {
        let url = URL(fileURLWithPath: args.string("grid") ?? "samples.png")
        let columns = try args.int("columns", in: 1...1000) ?? Int(Double(count).squareRoot().rounded(.up))
        var grid = Image.grid(images, columns: columns)
        grid.text = metadata(model: folder, seed: seed, label: try args.int("label").map(Int32.init), index: nil)
        try PNG.write(grid, to: url)
        printError("gen-image: wrote \(count) samples as a grid to \(url.path)")
    }
}

func interpolate(_ args: Arguments) throws {
    let folder = try modelFolder(args, default: defaultGenerator)
    let (model, _) = try ImageModel.load(folder)
    let steps = try args.int("steps", in: 2...1000)!
    let chosen = try labels(args, model: model, count: steps)
    let images: Tensor
    switch model {
    case .vae(let vae):
        let latents: Tensor
        if let from = args.string("from"), let to = args.string("to") {
            func encode(_ path: String) throws -> Tensor {
                let image = try loadSingle(path, size: vae.config.height, channels: vae.config.channels)
                return noGrad { vae.encode(image, labels: chosen.map { [$0[0]] }).mean.reshaped([vae.config.latent]) }
            }
            latents = interpolateLatents(try encode(from), try encode(to), steps: steps)
        } else {
            latents = try seedLatents(args, size: vae.config.latent, steps: steps) { rng in Tensor.normal([vae.config.latent], rng: &rng) }
        }
        images = noGrad { vae.decode(latents, labels: chosen) }
    case .gan(let gan):
        guard !args.has("from") else { throw CLIError.usage("--from/--to need a VAE (a GAN has no encoder); use --from-seed/--to-seed") }
        let latents = try seedLatents(args, size: gan.config.latent, steps: steps) { rng in gan.latents(1, rng: &rng).reshaped([gan.config.latent]) }
        gan.train(false)
        images = noGrad { (gan.generate(latents, labels: chosen) + 1) * 0.5 }
    case .classifier:
        throw CLIError.usage("a classifier bundle cannot generate images; pass a VAE or GAN bundle with --model")
    }
    let url = URL(fileURLWithPath: args.string("out") ?? "interpolation.png")
    var strip = Image.grid(images, columns: steps)
    strip.text = metadata(model: folder, seed: try args.seed("from-seed")!, label: chosen?.first, index: nil)
    try PNG.write(strip, to: url)
    printError("gen-image: wrote a \(steps)-step latent walk to \(url.path)")
}

private func seedLatents(_ args: Arguments, size: Int, steps: Int, draw: (inout RNG) -> Tensor) throws -> Tensor {
    var a = RNG(seed: try args.seed("from-seed")!, stream: "latent"), b = RNG(seed: try args.seed("to-seed")!, stream: "latent")
    return interpolateLatents(draw(&a), draw(&b), steps: steps)
}

/// One PNG as a batch of one `[1, C, size, size]`.
func loadSingle(_ path: String, size: Int, channels: Int) throws -> Tensor {
    var image: Image
    do { image = try PNG.read(URL(fileURLWithPath: path)) } catch let e as PNGError {
        throw CLIError.badData("\(path): \(e.message); pass a readable PNG image")
    }
    if image.width != size || image.height != size {
        printError("gen-image: \(path) is \(image.width)x\(image.height); scaling it to \(size)x\(size)")
        image = image.resized(to: size)
    }
    return image.tensor(channels: channels).reshaped([1, channels, size, size])
}

func reconstruct(_ args: Arguments) throws {
    guard let input = args.string("in") else { throw CLIError.usage("--in IMAGE.png is required") }
    let folder = try modelFolder(args, default: "image-mnist-cvae")
    let (model, _) = try ImageModel.load(folder)
    guard case .vae(let vae) = model else { throw CLIError.usage("reconstruct needs a VAE bundle (it encodes the image)") }
    let c = vae.config
    let x = try loadSingle(input, size: c.height, channels: c.channels)
    let label = try labels(args, model: model, count: 1)
    var output: Tensor
    if let maskPath = args.string("mask") {
        // Inpainting: fit the latent to the visible pixels (mask white = missing), then fill the hole.
        let mask = try loadSingle(maskPath, size: c.height, channels: 1).expanded(to: x.shape)
        let visible = Tensor.where(mask .< 0.5, 1, 0)
        var z = noGrad { vae.encode(x * visible, labels: label).mean }
        let optimizer = Adam(learningRate: 0.05)
        final class Latent: Module { @Parameter var z: Tensor; init(_ z: Tensor) { self.z = z } }
        let latent = Latent(z)
        let steps = try args.int("steps", in: 1...100_000)!
        for _ in 0..<steps {
            let (_, g) = valueAndGrad(latent) { l in
                let raw = vae.decodeRaw(l.z, labels: label)
                return ((raw.softplus() - x * raw) * visible).sum() + l.z.square().sum() * 0.5
            }()
            optimizer.update(latent, g)
        }
        z = latent.z
        let filled = noGrad { vae.decode(z, labels: label) }
        output = x * visible + filled * (1 - visible)
        let err = noGrad { ((filled - x) * visible).square().sum().item / Swift.max(visible.sum().item, 1) }
        print(String(format: "visible-pixel mean squared error %.5f after %d latent steps", err, steps))
    } else {
        output = vae.reconstruct(x, labels: label)
        let mse = noGrad { (output - x).square().mean().item }
        print(String(format: "reconstruction mean squared error %.5f", mse))
    }
    let url = URL(fileURLWithPath: args.string("out") ?? "reconstruction.png")
    let pair = Tensor.concat([x, output])
    var image = Image.grid(pair, columns: 2)
    image.text = metadata(model: folder, seed: 0, label: label?.first, index: nil) + [PNGText("input", input)]
    try PNG.write(image, to: url)
    printError("gen-image: wrote input | reconstruction to \(url.path)")
}
