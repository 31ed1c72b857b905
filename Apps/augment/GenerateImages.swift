// augment generate: labelled synthetic images from a class-conditional image model.
import Foundation
import GenEngine

/// The options of `augment generate`.
enum GenerateOptions {
    static let model = Opt.string(
        "model", "BUNDLE", default: "image-mnist-dcgan",
        help: "A class-conditional image bundle of gen-image, or a shipped model's name (image-mnist-dcgan, image-mnist-cvae).")
    static let perClass = Opt.int("per-class", default: 100, in: 1...10_000_000, help: "Images of each class.")
    static let classes = Opt.list("class", "NAME", help: "Only these classes (repeatable; default: all of the model's).")
    static let out = Opt.string("out", "DIR", help: "Folder to write: <class>/gen_<i>.png and manifest.jsonl.")
    static let seed = Opt.seed(help: "Random seed; image i of class c uses its own stream, so shards and reruns agree.")
    static let temperature = Opt.float(
        "temperature", "T", default: 1, in: 0.01...10, help: "Below 1 draws latents nearer the prior's mode (cleaner, less varied images).")
    static let shard = Opt.shard(help: "Generate the K-th of N contiguous slices of the (class, index) list.")
    static let force = Opt.flag("force", help: "Overwrite images that exist.")
    static let resume = Opt.flag("resume", help: "Finish a killed run: make only the images that are missing.")
    static let quiet = Opt.flag("quiet", help: "No progress or summary on stderr.")
    static let all: [any OptionConvertible] = [model, perClass, classes, out, seed, temperature, shard, force, resume, quiet]
}

func generateImages(_ args: Arguments) throws {
    guard let outPath = args[GenerateOptions.out] else { throw CLIError.usage("augment generate needs --out DIR") }
    let folder = try ModelBundle.resolve(args[GenerateOptions.model], default: "image-mnist-dcgan")
    let (model, manifest) = try loadImageGenerator(folder, for: "generate labelled images")
    guard model.classes > 0 else {
        throw CLIError.usage("\(folder.path) is not class-conditional, so its images have no labels; pass a cDCGAN or CVAE bundle")
    }
    let names = manifest.domain.classNames.count == model.classes ? manifest.domain.classNames : (0..<model.classes).map(String.init)
    let wanted = args[GenerateOptions.classes]
    for name in wanted where !names.contains(name) {
        throw CLIError.usage("the model has no class '\(name)'; its classes are " + names.joined(separator: ", "))
    }
    let classes = names.indices.filter { wanted.isEmpty || wanted.contains(names[$0]) }
    let perClass = args[GenerateOptions.perClass]
    let jobs = classes.flatMap { c in (0..<perClass).map { (c, $0) } }
    let shard = args[GenerateOptions.shard]
    let mine = Array(jobs[shard.range(of: jobs.count)])
    let outRoot = URL(fileURLWithPath: outPath)
    let seed = args[GenerateOptions.seed]
    let temperature = args[GenerateOptions.temperature]
    let width = String(perClass - 1).count
    func name(_ c: Int, _ i: Int) -> String {
        let index = String(i)
        return "\(names[c])/gen_\(String(repeating: "0", count: width - index.count) + index).png"
    }
    let manifestURL = outRoot.appendingPathComponent(Manifest.fileName(shard))
    if !args[GenerateOptions.force], !args[GenerateOptions.resume], let first = mine.first {
        try OutputOptionGroup.check([manifestURL.path, outRoot.appendingPathComponent(name(first.0, first.1)).path], force: false)
    }
    for c in classes { try makeFolder(outRoot.appendingPathComponent(names[c])) }
    if args[GenerateOptions.resume] { removeStaleTemporaryFiles(outRoot) }
    let progress = Progress(total: mine.count, label: "generate", quiet: args[GenerateOptions.quiet])
    var lines = ""
    let start = Date()
    for (n, (c, i)) in mine.enumerated() {
        let url = outRoot.appendingPathComponent(name(c, i))
        if !(args[GenerateOptions.resume] && SystemPath.exists(url.path).exists) {
            var rng = RNG(seed: seed, stream: "generate:\(c):\(i)")
            let batch = model.sampleImages(1, labels: [Int32(c)], temperature: temperature, rng: &rng)
            let image = Image(tensor: batch.reshaped(Array(batch.shape.dropFirst())))
            try AtomicFile.write(try PNG.encode(image), to: url, durable: false)
        }
        let record: [ManifestValue.Field] = [
            .init("source", .null), .init("output", .string(name(c, i))), .init("label", .string(names[c])), .init("copy", .int(i)),
            .init("seed", .number(Double(seed))), .init("model", .string(folder.lastPathComponent)),
            .init("temperature", .number(Double(temperature))),
        ]
        lines += ManifestValue.object(record).json + "\n"
        progress.update(n + 1)
    }
    try AtomicFile.write(Data(lines.utf8), to: manifestURL)
    if !args[GenerateOptions.quiet] {
        printError(
            "generated \(mine.count) images of \(classes.count) classes in \(String(format: "%.1f", Date().timeIntervalSince(start))) s; manifest \(manifestURL.path)"
        )
    }
}

let generateCommand = Command(
    "generate",
    abstract: "Synthetic labelled images from a class-conditional image model (the shipped MNIST cDCGAN or CVAE), with manifest.",
    options: GenerateOptions.all
) { try generateImages($0) }
