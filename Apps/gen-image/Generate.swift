// gen-image sample / interpolate / reconstruct: images out of a model, PNG with metadata.
import Foundation
import GenEngine

/// The bundle to use: `--model` (a path or a shipped model's name), else the shipped default
/// `SharedModels/<name>` found from `GENSUITE_MODELS`, the working directory or the executable's location.
func modelFolder(_ args: Arguments, default name: String) throws -> URL {
    try ModelBundle.resolve(args[Shared.model], default: name)
}

/// The default model for sampling: the class-conditional DCGAN (96% label accuracy; the CVAE is
/// the default where an encoder is needed).
let defaultGenerator = "image-mnist-dcgan"

/// `--label K`, checked against a model with `classes` classes; nil when not given.
func givenLabel(_ args: Arguments, classes: Int, names: [String]) throws -> Int32? {
    guard let given = args[Shared.label] else { return nil }
    guard classes > 0 else { throw CLIError.usage("--label needs a class-conditional model; this one has no classes") }
    // By name first (the folder a class was trained from, as eval maps classes), then by index.
    let names = names.count == classes ? names : (0..<classes).map(String.init)
    if let index = names.firstIndex(of: given) { return Int32(index) }
    if let k = Int(given), (0..<classes).contains(k) { return Int32(k) }
    throw CLIError.usage(
        "--label \(given) is not a class of this model; its classes: \(names.joined(separator: ", ")) (or an index 0...\(classes - 1))")
}

/// Class labels for `count` images: all `--label`, or 0,1,2,… cycling for a conditional model.
func labels(_ args: Arguments, classes: Int, names: [String], count: Int) throws -> [Int32]? {
    if let k = try givenLabel(args, classes: classes, names: names) { return Array(repeating: k, count: count) }
    return classes > 0 ? (0..<count).map { Int32($0 % classes) } : nil
}

/// Refuses an image output not named .png (a device or pipe such as /dev/null is fine), an
/// existing output without --force, one file named for two outputs, and a folder that cannot take
/// them, before any work. `others`: outputs that are not images (--stats).
func checkOutputs(_ images: [String], others: [String] = [], _ args: Arguments) throws {
    for path in images where !(path == "-" || path.lowercased().hasSuffix(".png") || SystemPath.isDeviceOrPipe(path)) {
        throw CLIError.usage("\(path): gen-image writes PNG files; name the output with .png (or - for standard output)")
    }
    for path in images { try OutputOptionGroup.refuseBinaryOnTerminal(path, "A PNG image") }
    try OutputOptionGroup.check(images + others, force: args[Shared.force])
}

func metadata(model: URL, seed: UInt64, label: Int32?, index: Int?) -> [PNGText] {
    var text = [PNGText("Software", "gen-image \(version) (GenSuite)"), PNGText("model", model.path), PNGText("seed", "\(seed)")]
    if let label { text.append(PNGText("label", "\(label)")) }
    if let index { text.append(PNGText("index", "\(index)")) }
    return text
}

/// `image` enlarged `--scale` times (nearest pixels, or bilinear with `--smooth`), its text kept.
func enlarged(_ image: Image, _ args: Arguments) -> Image {
    let s = args[SampleOptions.scale]
    guard s > 1 else { return image }
    var big = image.warped(
        .scale(Double(s), Double(s)), width: image.width * s, height: image.height * s, border: .replicate,
        interpolation: args[SampleOptions.smooth] ? .bilinear : .nearest)
    big.text = image.text
    return big
}

func sample(_ args: Arguments) throws {
    typealias O = SampleOptions
    if let seeds = args[O.seeds] { return try sampleSeeds(seeds, args) }
    // --labels: one grid row per label, --columns images each.
    let rowLabels = args[O.labels]
    if rowLabels != nil {
        guard !args.has(O.sampling.count), !args.has(Shared.label), !args.has(O.out) else {
            throw CLIError.usage("--labels draws a grid of one row per label (--columns per row); leave out --count, --label and --out")
        }
    }
    let count = rowLabels.map { $0.count * (args[O.columns] ?? 8) } ?? args[O.sampling.count]
    let seed = args[O.sampling.seed]
    let toFiles = args[O.out] != nil && !args.has(O.grid)
    let targets =
        toFiles
        ? OutputOptionGroup.numberedPaths(
            URL(fileURLWithPath: args[O.out]!).appendingPathComponent("sample.png").path,
            count: max(count, 2), seed: seed, extension: "png"
        ).prefix(count).map { $0 }
        : [args[O.grid] ?? "samples.png"]
    try prepareOutputs(targets, folder: toFiles ? args[O.out] : nil, args)
    let started = Date()
    let folder = try modelFolder(args, default: defaultGenerator)
    let (model, manifest) = try loadImageGenerator(folder, for: "generate images", families: [Classifier.self])
    let chosen: [Int32]?
    if let rowLabels {
        guard model.classes > 0, let high = rowLabels.max(), high < model.classes else {
            throw CLIError.usage("--labels needs a class-conditional model and classes in 0...\(max(model.classes - 1, 0))")
        }
        chosen = rowLabels.flatMap { Array(repeating: Int32($0), count: count / rowLabels.count) }
    } else {
        chosen = try labels(args, classes: model.classes, names: manifest.domain.classNames, count: count)
    }
    var rng = RNG(seed: seed, stream: "sample")
    let temperature = args[O.sampling.temperature]
    let chunk = 256
    if toFiles {
        // In chunks, each image written as soon as it is made: memory stays flat in --count, and
        // an interrupted run keeps what it wrote. The latents are drawn in the same order as in
        // one batch, so the images are the same.
        let progress = Progress(total: count, label: "sampling", quiet: args[Shared.quiet] || count <= chunk)
        Interrupt.begin()
        for start in stride(from: 0, to: count, by: chunk) {
            let n = min(chunk, count - start)
            let images = model.sampleImages(n, labels: chosen.map { Array($0[start..<(start + n)]) }, temperature: temperature, rng: &rng)
            for j in 0..<n {
                let i = start + j
                let image = Image(
                    tensor: images.slice(j..<(j + 1)).reshaped(Array(images.shape.dropFirst())),
                    text: metadata(model: folder, seed: seed, label: chosen?[i], index: i))
                try PNG.write(enlarged(image, args), to: URL(fileURLWithPath: targets[i]))
            }
            progress.update(start + n)
            if Interrupt.requested && start + n < count {
                throw CLIError("interrupted: \(start + n) of \(count) images written to \(args[O.out]!)", code: .interrupted)
            }
        }
        if !args[Shared.quiet] { printError("gen-image: wrote \(count) images to \(args[O.out]!)/sample-\(seed)-*.png") }
    } else {
        // In chunks too (the same latents in the same order as one batch): the network's memory
        // stays flat in --count; only the grid's pixels grow.
        let images = Tensor.concat(
            stride(from: 0, to: count, by: chunk).map { start in
                let n = min(chunk, count - start)
                return model.sampleImages(n, labels: chosen.map { Array($0[start..<(start + n)]) }, temperature: temperature, rng: &rng)
            })
        let columns = rowLabels.map { count / $0.count } ?? args[O.columns] ?? Int(Double(count).squareRoot().rounded(.up))
        var grid = Image.grid(images, columns: columns)
        grid.text = metadata(
            model: folder, seed: seed, label: try givenLabel(args, classes: model.classes, names: manifest.domain.classNames), index: nil)
        try PNG.write(enlarged(grid, args), to: URL(fileURLWithPath: targets[0]))
        if !args[Shared.quiet] { printError("gen-image: wrote \(count) samples as a grid to \(targets[0])") }
    }
    if let path = args[O.stats] {
        let stats = SampleStats(
            model: folder.path, seed: seed, count: count, labels: chosen?.map(Int.init), files: targets,
            temperature: Double(args[O.sampling.temperature]), seconds: Date().timeIntervalSince(started))
        try JSONOutput.write(stats, to: URL(fileURLWithPath: path))
    }
}

/// Before any work: makes `folder` (the --out of one file per image), and checks every image
/// target (named .png, not overwritten without --force) and the --stats file.
func prepareOutputs(_ targets: [String], folder: String?, _ args: Arguments) throws {
    if let folder {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && !isFolder.boolValue {
            throw IOFailure.cannotCreate(
                folder, reason: "it is a file; --out names a folder for one PNG per image (--grid FILE.png writes one picture)")
        }
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw IOFailure.cannotCreate(folder, reason: error.localizedDescription)
        }
    }
    try checkOutputs(targets, others: args[SampleOptions.stats].map { [$0] } ?? [], args)
}

/// `sample --seeds`: one PNG per seed, `seed<NNNN>.png` in --out, as StyleGAN's generator names
/// them. Image S comes from seed S's own stream, its class `--label` or S mod the classes, so any
/// image is made again alone by `--seeds S`.
func sampleSeeds(_ seeds: [Int], _ args: Arguments) throws {
    typealias O = SampleOptions
    guard let outPath = args[O.out], !args.has(O.grid), !args.has(O.sampling.count) else {
        throw CLIError.usage("--seeds writes one file per seed into --out DIR; leave out --grid and --count")
    }
    let out = URL(fileURLWithPath: outPath)
    let targets = seeds.map { out.appendingPathComponent("seed" + String(format: "%04d", $0) + ".png").path }
    guard Set(targets).count == targets.count else { throw CLIError.usage("--seeds lists a seed twice") }
    try prepareOutputs(targets, folder: outPath, args)
    let started = Date()
    let folder = try modelFolder(args, default: defaultGenerator)
    let (model, manifest) = try loadImageGenerator(folder, for: "generate images", families: [Classifier.self])
    let given = try givenLabel(args, classes: model.classes, names: manifest.domain.classNames)
    let progress = Progress(total: seeds.count, label: "sampling", quiet: args[Shared.quiet] || seeds.count < 256)
    Interrupt.begin()
    var chosen: [Int32] = []
    for (i, s) in seeds.enumerated() {
        var rng = RNG(seed: UInt64(s), stream: "sample")
        let label = model.classes > 0 ? given ?? Int32(s % model.classes) : nil
        label.map { chosen.append($0) }
        let images = model.sampleImages(1, labels: label.map { [$0] }, temperature: args[O.sampling.temperature], rng: &rng)
        let image = Image(
            tensor: images.reshaped(Array(images.shape.dropFirst())),
            text: metadata(model: folder, seed: UInt64(s), label: label, index: nil))
        try PNG.write(enlarged(image, args), to: URL(fileURLWithPath: targets[i]))
        progress.update(i + 1)
        if Interrupt.requested && i + 1 < seeds.count {
            throw CLIError("interrupted: \(i + 1) of \(seeds.count) images written to \(outPath)", code: .interrupted)
        }
    }
    if !args[Shared.quiet] { printError("gen-image: wrote \(seeds.count) images to \(outPath)/seed<NNNN>.png") }
    if let path = args[O.stats] {
        let stats = SampleStats(
            model: folder.path, seed: UInt64(seeds[0]), count: seeds.count, labels: chosen.isEmpty ? nil : chosen.map(Int.init),
            files: targets, temperature: Double(args[O.sampling.temperature]), seconds: Date().timeIntervalSince(started))
        try JSONOutput.write(stats, to: URL(fileURLWithPath: path))
    }
}

/// What `sample --stats` writes.
struct SampleStats: Encodable {
    var model: String, seed: UInt64, count: Int
    /// The class of each image (nil: an unconditional model).
    var labels: [Int]?
    var files: [String]
    var temperature: Double, seconds: Double
}

func interpolate(_ args: Arguments) throws {
    typealias O = InterpolateOptions
    guard args.has(O.from) == args.has(O.to) else { throw CLIError.usage("--from and --to go together (two images to walk between)") }
    // Walking between images needs an encoder: the CVAE unless --model says otherwise.
    let folder = try modelFolder(args, default: args.has(O.from) ? "image-mnist-cvae" : defaultGenerator)
    let (model, manifest) = try loadImageGenerator(folder, for: "generate images", families: [Classifier.self])
    let url = URL(fileURLWithPath: args[O.out])
    try checkOutputs([url.path], args)
    let steps = args[O.steps]
    let chosen = try givenLabel(args, classes: model.classes, names: manifest.domain.classNames)
    let images: Tensor
    var classes: [Int32] = []
    if let from = args[O.from], let to = args[O.to] {
        guard let vae = model as? VAE else {
            throw CLIError.usage("--from/--to need a VAE (a GAN has no encoder); use --from-seed/--to-seed")
        }
        // Each end encoded under its own class (--label, else the one the model fits best), and
        // the walk moves the class too, so that its ends reproduce the inputs.
        func encode(_ path: String) throws -> (z: Tensor, label: Int32?) {
            let image = try loadSingle(
                path, size: vae.config.height, channels: vae.config.channels, maxPixels: UInt64(args[Shared.maxPixels]),
                background: try backgroundLevel(args, manifest.domain))
            let label = vae.classes > 0 ? inferredLabel(vae, image, given: chosen, path: path, args) : nil
            return (noGrad { vae.encode(image, labels: label.map { [$0] }).mean.reshaped([vae.config.latent]) }, label)
        }
        let (a, b) = (try encode(from), try encode(to))
        let latents = interpolateLatents(a.z, b.z, steps: steps)
        if let la = a.label, let lb = b.label {
            classes = [la, lb]
            let weights = (0..<steps).flatMap { i -> [Float] in
                let t = Float(i) / Float(steps - 1)
                return (0..<vae.classes).map { c in (c == la ? 1 - t : 0) + (c == lb ? t : 0) }
            }
            images = noGrad { vae.decode(latents, classWeights: Tensor(weights, shape: [steps, vae.classes])) }
        } else {
            images = model.decodeImages(latents, labels: nil)
        }
    } else {
        var a = RNG(seed: args[O.fromSeed], stream: "latent")
        var b = RNG(seed: args[O.toSeed], stream: "latent")
        let latents = interpolateLatents(model.drawLatent(rng: &a), model.drawLatent(rng: &b), steps: steps)
        // A seed walk keeps one class: --label, else one drawn from the first seed.
        var pick = RNG(seed: args[O.fromSeed], stream: "label")
        let label = chosen ?? (model.classes > 0 ? Int32(pick.next() % UInt64(model.classes)) : nil)
        classes = label.map { [$0] } ?? []
        images = model.decodeImages(latents, labels: label.map { Array(repeating: $0, count: steps) })
    }
    var strip = Image.grid(images, columns: steps)
    strip.text = metadata(model: folder, seed: args[O.fromSeed], label: classes.first, index: nil)
    try PNG.write(strip, to: url)
    if !args[Shared.quiet] {
        let walk = classes.count == 2 && classes[0] != classes[1] ? " from class \(classes[0]) to \(classes[1])" : ""
        printError("gen-image: wrote a \(steps)-step latent walk\(walk) to \(url.path)")
    }
}

/// The class to encode `image` under: `given` (--label), else the class whose negative ELBO is
/// lowest, said on stderr.
func inferredLabel(_ vae: VAE, _ image: Tensor, given: Int32?, path: String, _ args: Arguments) -> Int32 {
    if let given { return given }
    let label = vae.bestFittingClass(image)
    if !args[Shared.quiet] { printError("gen-image: \(path): class \(label), the one the model explains best (--label to choose)") }
    return label
}

/// One PNG as a batch of one `[1, C, size, size]`.
/// `--background`, else the gray level the model's training images were composited over.
/// Throws for a bundle whose level is outside 0...255.
func backgroundLevel(_ args: Arguments, _ domain: ImageDomain) throws -> UInt8 {
    let level = args[Shared.background] ?? domain.background ?? 0
    guard let gray = UInt8(exactly: level) else {
        throw CLIError.badData("the model's bundle gives background \(level), not a gray level 0-255; pass --background")
    }
    return gray
}

func loadSingle(_ path: String, size: Int, channels: Int, maxPixels: UInt64, background: UInt8) throws -> Tensor {
    var image: Image
    do { image = try PNG.read(URL(fileURLWithPath: path), maxPixels: maxPixels) } catch let e as PNGError {
        throw CLIError.badData("\(path): \(e.message); pass a readable PNG image\(sizeHint(e))")
    }
    if image.width != size || image.height != size {
        printError("gen-image: \(path) is \(image.width)x\(image.height); scaling it to \(size)x\(size)")
        image = image.resized(width: size, height: size)
    }
    return image.tensor(channels: channels, background: background).reshaped([1, channels, size, size])
}

func reconstruct(_ args: Arguments) throws {
    typealias O = ReconstructOptions
    guard let input = args[O.input] else { throw CLIError.usage("--in IMAGE.png is required") }
    let url = URL(fileURLWithPath: args[O.out])
    try checkOutputs([url.path], args)
    let folder = try modelFolder(args, default: "image-mnist-cvae")
    let (model, manifest) = try loadImageModel(folder)
    guard let vae = model as? VAE else { throw CLIError.usage("reconstruct needs a VAE bundle (it encodes the image)") }
    let c = vae.config
    let x = try loadSingle(
        input, size: c.height, channels: c.channels, maxPixels: UInt64(args[Shared.maxPixels]),
        background: try backgroundLevel(args, manifest.domain))
    let given = try givenLabel(args, classes: vae.classes, names: manifest.domain.classNames)
    let label = vae.classes > 0 ? [inferredLabel(vae, x, given: given, path: input, args)] : nil
    var output: Tensor
    if let maskPath = args[O.mask] {
        // Inpainting: fit the latent to the visible pixels (mask white = missing), then fill the hole.
        let mask = try loadSingle(maskPath, size: c.height, channels: 1, maxPixels: UInt64(args[Shared.maxPixels]), background: 0)
            .expanded(to: x.shape)
        let visible = Tensor.where(mask .< 0.5, 1, 0)
        var z = noGrad { vae.encode(x * visible, labels: label).mean }
        let optimizer = Adam(learningRate: 0.05)
        final class Latent: Module {
            @Parameter var z: Tensor
            init(_ z: Tensor) { self.z = z }
        }
        let latent = Latent(z)
        let steps = args[O.steps]
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
    let pair = Tensor.concat([x, output])
    var image = Image.grid(pair, columns: 2)
    image.text = metadata(model: folder, seed: 0, label: label?.first, index: nil) + [PNGText("input", input)]
    try PNG.write(image, to: url)
    if !args[Shared.quiet] { printError("gen-image: wrote input | reconstruction to \(url.path)") }
}
