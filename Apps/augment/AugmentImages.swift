// augment images: a folder of PNGs through a pipeline, N copies each, with a manifest.
import Foundation
import GenEngine

/// The options of `augment images`.
enum ImagesOptions {
    static let input = Opt.string("in", "DIR", help: "Folder of PNG images, class folders or flat (never written to).")
    static let out = Opt.string("out", "DIR", help: "Folder to write (not inside --in); the layout of --in is mirrored.")
    static let pipeline = Opt.string(
        "pipeline", "SPEC",
        help: "Ops, e.g. \"hflip; rotate:limit=15; crop:scale=0.8-1.0,size=28\", or a .json file (ours or albumentations' A.save).")
    static let copies = Opt.int("copies", default: 1, in: 1...10_000, help: "Augmented copies of each image.")
    static let includeOriginals = Opt.flag("include-originals", help: "Also copy each original into --out (its manifest copy is null).")
    static let seed = Opt.seed(help: "Random seed; each file's stream derives from (seed, its path, the copy).")
    static let workers = Opt.int("workers", in: 1...256, help: "Images processed at once (default: every core).")
    static let boxes = Opt.choice(
        "boxes", "FORMAT", default: BoxFormat.none,
        help: "yolo: read name.txt label files and write moved boxes beside the outputs; coco: read --coco, write annotations.json.")
    static let coco = Opt.string(
        "coco", "FILE.json", help: "The COCO detection file of --in (file_name relative to --in, or the file's name).")
    static let minVisibility = Opt.float(
        "min-visibility", "F", default: 0, in: 0...1, help: "Drop a box when less than this share of it stays in the image.")
    static let minArea = Opt.float("min-area", "PIXELS", default: 0, in: 0...1e9, help: "Drop a box smaller than this after clipping.")
    static let shard = Opt.shard(
        help: "Process the K-th of N contiguous slices of the sorted file list (0-based); merge-manifests joins their manifests.")
    static let resume = Opt.flag("resume", help: "Finish a killed run: write only the outputs that are missing.")
    static let force = Opt.flag("force", help: "Overwrite outputs that exist.")
    static let skipBad = Opt.flag("skip-bad", help: "Skip unreadable images (listed in the summary) instead of stopping.")
    static let pngLevel = Opt.int("png-level", default: 6, in: 0...9, help: "PNG compression level (zlib): 0 fastest, 9 smallest.")
    static let stats = Opt.string("stats", "FILE.json", help: "Write the run's counts, timing and settings as JSON.")
    static let quiet = Opt.flag("quiet", help: "No progress or summary on stderr.")
    static let all: [any OptionConvertible] = [
        input, out, pipeline, copies, includeOriginals, seed, workers, boxes, coco, minVisibility, minArea, shard, resume, force, skipBad,
        pngLevel,
        stats, quiet,
    ]
}

/// How an image's boxes are stored.
enum BoxFormat: String, CaseIterable { case none, yolo, coco }

/// What one input produced: its manifest lines (and COCO records), how many files were
/// written, or why it failed.
private struct ItemResult {
    var lines: [String] = []
    var cocoImages: [String] = []
    var cocoAnnotations: [String] = []
    var written = 0
    var failure: String?
}

/// The settings every item of a run shares.
private struct ImageRun {
    let images: [ImageEntry]
    let outRoot: URL
    let pipeline: Pipeline
    let context: OpContext
    let copies: Int
    let seed: UInt64
    let includeOriginals: Bool
    let boxes: BoxFormat
    let coco: COCOAnnotations?
    let resume: Bool
    let pngLevel: Int

    /// The sample of input `i`: its image, boxes and label. Throws with the path on failure.
    func load(_ i: Int) throws -> Sample {
        let entry = images[i]
        let image: Image
        do { image = try PNG.read(entry.url) } catch { throw CLIError.badData("\(entry.url.path): \(error)") }
        var sample = Sample(image: image)
        if let label = entry.label { sample.label = [(label, 1)] }
        if boxes == .yolo, SystemPath.exists(entry.yoloURL.path).exists {
            let text = String(decoding: try AtomicFile.read(entry.yoloURL), as: UTF8.self)
            sample.boxes = try YOLOLabels.read(text, path: entry.yoloURL.path, width: image.width, height: image.height)
        }
        if let coco { sample.boxes = coco.boxes(entry.relative) ?? [] }
        return sample
    }

    /// Writes `data` to `relative` under the output folder unless resuming finds it there.
    func write(_ data: @autoclosure () throws -> Data, _ relative: String) throws -> Int {
        try write(data(), to: outRoot.appendingPathComponent(relative))
    }

    func write(_ data: @autoclosure () throws -> Data, to url: URL) throws -> Int {
        if resume && SystemPath.exists(url.path).exists { return 0 }
        try makeFolder(url.deletingLastPathComponent())
        try AtomicFile.write(try data(), to: url, durable: false)
        return 1
    }

    /// Writes the YOLO labels of output `relative` (input `entry`): beside it, or, when the input's
    /// labels sit in Ultralytics' parallel `labels/` folder and the output folder has an `images`
    /// folder in its path, in the parallel `labels/` folder of the output.
    func writeLabels(_ sample: Sample, _ relative: String, _ entry: ImageEntry) throws -> Int {
        let text = Data(YOLOLabels.write(sample.boxes, width: sample.image.width, height: sample.image.height).utf8)
        var url = outRoot.appendingPathComponent((relative as NSString).deletingPathExtension + ".txt")
        if entry.hasParallelLabels, let r = url.path.range(of: "/images/", options: .backwards) {
            url = URL(fileURLWithPath: url.path.replacingCharacters(in: r, with: "/labels/"))
        }
        return try write(text, to: url)
    }

    /// The COCO records of output `slot` of input `i` (0 the original, k + 1 copy k): its image
    /// id depends only on (i, slot), so shards agree.
    func addCOCO(_ result: inout ItemResult, _ i: Int, slot: Int, _ name: String, _ sample: Sample) {
        guard coco != nil else { return }
        let (image, annotations) = COCOAnnotations.records(
            imageID: i * (copies + 1) + slot + 1, fileName: name, width: sample.image.width, height: sample.image.height,
            boxes: sample.boxes)
        result.cocoImages.append(image)
        result.cocoAnnotations += annotations
    }

    /// Every output of input `i` written, and its manifest lines.
    func process(_ i: Int) -> ItemResult {
        var result = ItemResult()
        do {
            let entry = images[i]
            let original = try load(i)
            var context = self.context
            // A partner that cannot be read is drawn again: its own turn reports it (or skips it).
            context.partner = { rng in
                for _ in 0..<16 {
                    var j = rng.int(below: max(1, images.count - 1))
                    if j >= i && images.count > 1 { j += 1 }
                    if let image = try? load(j) { return (image, images[j].relative) }
                }
                throw CLIError.badData("16 images drawn as blending partners could not be read; fix or remove the unreadable files")
            }
            func record(_ output: String, copy: Int?, _ sample: Sample, ops: [ManifestValue]) -> String {
                var fields: [ManifestValue.Field] = [
                    .init("source", .string(SystemPath.escaped(entry.relative))), .init("output", .string(SystemPath.escaped(output))),
                    .init("label", Manifest.label(sample.label)),
                    .init("copy", copy.map { .int($0) } ?? .null), .init("seed", .number(Double(seed))), .init("ops", .array(ops)),
                ]
                if boxes != .none { fields.append(.init("boxes", .int(sample.boxes.count))) }
                return ManifestValue.object(fields).json
            }
            if includeOriginals {
                result.written += try write(try AtomicFile.read(entry.url), entry.relative)
                if boxes == .yolo { result.written += try writeLabels(original, entry.relative, entry) }
                result.lines.append(record(entry.relative, copy: nil, original, ops: []))
                addCOCO(&result, i, slot: 0, entry.relative, original)
            }
            for copy in 0..<copies {
                var rng = RNG(seed: seed, stream: "image:\(entry.relative):\(copy)")
                var sample = original
                let ops = try pipeline.run(&sample, rng: &rng, context: context)
                let output = ImageFolder.outputName(entry.relative, copy: copy)
                result.written += try write(try PNG.encode(sample.image, compression: pngLevel), output)
                if boxes == .yolo { result.written += try writeLabels(sample, output, entry) }
                result.lines.append(record(output, copy: copy, sample, ops: ops))
                addCOCO(&result, i, slot: copy + 1, output, sample)
            }
        } catch {
            result.failure = "\(error)"
        }
        return result
    }
}

/// The JSON of `--stats`.
private struct ImagesStats: Encodable {
    var inputs: Int, processed: Int, written: Int, skipped: [String], copies: Int, seed: UInt64, shard: String, workers: Int
    var seconds: Double, imagesPerSecond: Double, pipeline: String, manifest: String
}

/// Creates `folder` (and its parents), or fails naming it: a file in the way, no permission.
func makeFolder(_ folder: URL) throws {
    let found = SystemPath.exists(folder.path)
    if found.exists && !found.isFolder {
        throw IOFailure.cannotCreate(folder.path, reason: "a file of that name is in the way; choose another --out")
    }
    try SystemPath.createFolder(folder.path)
}

/// Deletes what a killed run's atomic writes left behind under `folder`: `.name.tmp-PID` files
/// whose process is gone.
func removeStaleTemporaryFiles(_ folder: URL) {
    guard let walk = FileManager.default.enumerator(atPath: folder.path) else { return }
    for case let path as String in walk {
        let name = (path as NSString).lastPathComponent
        guard name.hasPrefix("."), let r = name.range(of: ".tmp-", options: .backwards), let pid = Int32(name[r.upperBound...]) else {
            continue
        }
        // A live process's file is another shard writing into the same folder: leave it.
        if kill(pid, 0) != 0 { try? FileManager.default.removeItem(at: folder.appendingPathComponent(path)) }
    }
}

/// The settings that decide a run's outputs, kept in `--out` (`.augment-run.json`) so that
/// `--resume` finishes the run that was started and not another: a different pipeline, seed or
/// number of copies would leave old outputs beside new ones under a manifest that describes only
/// the new.
struct RunSettings: Codable, Equatable {
    var pipeline: String
    var seed: UInt64
    var copies: Int
    var includeOriginals: Bool
    var boxes: String
    var minVisibility: Float?
    var minArea: Float?

    static let fileName = ".augment-run.json"

    /// Refuses `--resume` when `folder` holds a run of other settings; records these otherwise.
    func claim(_ folder: URL, resuming: Bool) throws {
        let url = folder.appendingPathComponent(Self.fileName)
        if resuming, let data = try? AtomicFile.read(url), let earlier = try? JSONDecoder().decode(Self.self, from: data), earlier != self {
            throw CLIError.usage(
                "--resume finishes the run already in \(folder.path) (pipeline \"\(earlier.pipeline)\", seed \(earlier.seed), "
                    + "\(earlier.copies) copies\(earlier.includeOriginals ? ", originals" : "")); give the same settings, or a new --out for a new run"
            )
        }
        try JSONOutput.write(self, to: url)
    }
}

func augmentImages(_ args: Arguments) throws {
    guard let inPath = args[ImagesOptions.input] else { throw CLIError.usage("augment images needs --in DIR (a folder of PNG images)") }
    guard let outPath = args[ImagesOptions.out] else {
        throw CLIError.usage("augment images needs --out DIR (a new folder for the outputs)")
    }
    guard let spec = args[ImagesOptions.pipeline] else {
        throw CLIError.usage("augment images needs --pipeline, e.g. --pipeline \"hflip; rotate:limit=15\" (see augment preview)")
    }
    let inRoot = URL(fileURLWithPath: inPath)
    let outRoot = URL(fileURLWithPath: outPath)
    guard !ImageFolder.contains(inRoot, outRoot), !ImageFolder.contains(outRoot, inRoot) else {
        throw CLIError.usage("--out \(outPath) and --in \(inPath) overlap; augment never writes into its input: choose an --out outside it")
    }
    let pipeline = try Pipeline.parse(spec)
    let boxes = args[ImagesOptions.boxes]
    let shard = args[ImagesOptions.shard]
    let (images, listedBad) = try ImageFolder.list(inRoot, classFolders: boxes == .none)
    guard !images.isEmpty else { throw CLIError(inPath + " holds no PNG images", code: .noInput) }
    if !listedBad.isEmpty && !args[ImagesOptions.skipBad] {
        throw CLIError.badData(
            "\(inRoot.appendingPathComponent(listedBad[0].path).path): \(listedBad[0].reason)"
                + (listedBad.count > 1 ? " (and \(listedBad.count - 1) more)" : "") + "; fix it, or pass --skip-bad to leave such files out"
        )
    }
    var coco: COCOAnnotations?
    if boxes == .coco {
        guard let path = args[ImagesOptions.coco] else {
            throw CLIError.usage("--boxes coco needs --coco FILE.json, the annotations of --in")
        }
        coco = try COCOAnnotations(URL(fileURLWithPath: path))
    } else if args.has(ImagesOptions.coco) {
        throw CLIError.usage("--coco is read with --boxes coco")
    }
    var rules = pipeline.boxRules ?? BoxRules()
    if args.has(ImagesOptions.minVisibility) { rules.minVisibility = Double(args[ImagesOptions.minVisibility]) }
    if args.has(ImagesOptions.minArea) { rules.minArea = Double(args[ImagesOptions.minArea]) }
    let run = ImageRun(
        images: images, outRoot: outRoot, pipeline: pipeline, context: OpContext(boxRules: rules), copies: args[ImagesOptions.copies],
        seed: args[ImagesOptions.seed], includeOriginals: args[ImagesOptions.includeOriginals], boxes: boxes, coco: coco,
        resume: args[ImagesOptions.resume],
        pngLevel: args[ImagesOptions.pngLevel])
    let mine = Array(shard.range(of: images.count))
    let manifestURL = outRoot.appendingPathComponent(Manifest.fileName(shard))
    if !args[ImagesOptions.resume] && !args[ImagesOptions.force] {
        let firstTargets = mine.prefix(64).map { outRoot.appendingPathComponent(ImageFolder.outputName(images[$0].relative, copy: 0)).path }
        if let existing = ([manifestURL.path] + firstTargets).first(where: { SystemPath.exists($0).exists }) {
            throw CLIError(
                "\(existing) exists from an earlier run: pass --resume to finish that run, or --force to overwrite it", code: .cannotCreate)
        }
    }
    if let stats = args[ImagesOptions.stats] {
        guard !ImageFolder.contains(outRoot, URL(fileURLWithPath: stats)) else {
            throw CLIError.usage("--stats \(stats) is inside --out, which holds this run's outputs only; write it elsewhere")
        }
        try OutputOptionGroup.check([stats], force: args[ImagesOptions.force])
    }
    try makeFolder(outRoot)
    try RunSettings(
        pipeline: spec, seed: args[ImagesOptions.seed], copies: args[ImagesOptions.copies],
        includeOriginals: args[ImagesOptions.includeOriginals], boxes: "\(boxes)",
        minVisibility: args.has(ImagesOptions.minVisibility) ? args[ImagesOptions.minVisibility] : nil,
        minArea: args.has(ImagesOptions.minArea) ? args[ImagesOptions.minArea] : nil
    ).claim(outRoot, resuming: args[ImagesOptions.resume])
    if args[ImagesOptions.resume] { removeStaleTemporaryFiles(outRoot) }
    // Written as the images are, and renamed into place only when the run ends.
    let manifest = try StreamedFile(manifestURL)

    let workers = args[ImagesOptions.workers] ?? Threads.count
    let quiet = args[ImagesOptions.quiet]
    let progress = Progress(total: mine.count, label: "augment", quiet: quiet)
    let start = Date()
    var written = 0
    var skipped: [String] = listedBad.map { "\($0.path): \($0.reason)" }
    var failed = 0
    var cocoImages: [String] = []
    var cocoAnnotations: [String] = []
    for chunkStart in stride(from: 0, to: mine.count, by: workers * 8) {
        let chunk = Array(mine[chunkStart..<min(chunkStart + workers * 8, mine.count)])
        let results = Threads.map(chunk, workers: workers, chunk: 1) { run.process($0) }
        for (i, result) in zip(chunk, results) {
            if let failure = result.failure {
                guard args[ImagesOptions.skipBad] else {
                    throw CLIError.badData(
                        "\(images[i].relative): \(failure)"
                            + "\n(outputs so far are complete; fix or remove the file and re-run with --resume, or pass --skip-bad)")
                }
                skipped.append("\(images[i].relative): \(failure)")
                failed += 1
                continue
            }
            written += result.written
            try manifest.write(result.lines.map { $0 + "\n" }.joined())
            cocoImages += result.cocoImages
            cocoAnnotations += result.cocoAnnotations
        }
        progress.update(chunkStart + chunk.count)
    }
    if let coco {
        let name = shard.count == 1 ? "annotations.json" : "annotations.shard-\(shard.index)-of-\(shard.count).json"
        try AtomicFile.write(
            COCOAnnotations.file(categories: coco.categories, images: cocoImages, annotations: cocoAnnotations),
            to: outRoot.appendingPathComponent(name))
    }
    try manifest.commit()
    let seconds = Date().timeIntervalSince(start)
    let processed = mine.count - failed
    if !quiet {
        printError(
            "augmented \(processed) images (\(mine.count) of \(images.count) in this run) into \(written) files in \(String(format: "%.1f", seconds)) s "
                + "(\(String(format: "%.0f", Double(processed * run.copies) / max(seconds, 1e-9))) images/s); manifest \(manifestURL.path)")
        if !skipped.isEmpty { printError("skipped \(skipped.count):\n  " + skipped.joined(separator: "\n  ")) }
    }
    if let statsPath = args[ImagesOptions.stats] {
        let stats = ImagesStats(
            inputs: images.count, processed: processed, written: written, skipped: skipped, copies: run.copies, seed: run.seed,
            shard: shard.description, workers: workers, seconds: seconds,
            imagesPerSecond: Double(processed * run.copies) / max(seconds, 1e-9),
            pipeline: spec, manifest: manifestURL.path)
        try JSONOutput.write(stats, to: URL(fileURLWithPath: statsPath))
    }
}

let imagesCommand = Command(
    "images",
    abstract: "Augment a folder of PNGs: N copies of each image through a pipeline, the folder layout mirrored, with manifest.jsonl.",
    discussion: """
        Outputs are class/name__aug<k>.png beside a manifest.jsonl line each (source, output, label, copy, seed, and every \
        applied op with its drawn parameters). Ops (default p as albumentations): hflip, vflip, rot90, \
        rotate:limit,border,fill; affine:scale,translate,rotate,shear; ssr:shift,scale,rotate; crop:size,scale,ratio \
        (random-resized); resize:size; centercrop:size; randomcrop:size; jitter:brightness,contrast,saturation,hue; \
        brightnesscontrast:brightness,contrast; grayscale; noise:std; blur:sigma; cutout:holes,size,fill; elastic:alpha,sigma; \
        mixup:alpha; cutmix:alpha. Every op takes p; oneof(a | b):p=… applies one of its members. Sizes are N or \
        WxH, width first (albumentations writes height, width). Ranges are lo-hi or lo..hi; a single number is ±N \
        for limits and angles.
        """,
    options: ImagesOptions.all
) { try augmentImages($0) }
