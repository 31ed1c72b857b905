// augment bench: images per second of each op on one thread, the albumentations methodology.
import Foundation
import GenEngine

/// The ops `augment bench` times, with the albumentations call that does the same (for
/// `bench/augment_albumentations.py`, which reads this list from `augment bench --list`).
let benchmarkOps: [(spec: String, albumentations: String)] = [
    ("hflip:p=1", "A.HorizontalFlip(p=1)"),
    ("vflip:p=1", "A.VerticalFlip(p=1)"),
    ("rot90:p=1", "A.RandomRotate90(p=1)"),
    ("rotate:limit=45,p=1", "A.Rotate(limit=45, p=1)"),
    ("affine:scale=0.9-1.1,rotate=15,shear=10,p=1", "A.Affine(scale=(0.9, 1.1), rotate=(-15, 15), shear=(-10, 10), p=1)"),
    ("crop:size=224", "A.RandomResizedCrop(size=(224, 224), p=1)"),
    ("randomcrop:size=128", "A.RandomCrop(128, 128, p=1)"),
    ("centercrop:size=128", "A.CenterCrop(128, 128, p=1)"),
    ("resize:size=224", "A.Resize(224, 224, p=1)"),
    ("jitter:brightness=0.2,contrast=0.2,saturation=0.2,hue=0.1,p=1", "A.ColorJitter(0.2, 0.2, 0.2, 0.1, p=1)"),
    ("brightnesscontrast:p=1", "A.RandomBrightnessContrast(p=1)"),
    ("grayscale:p=1", "A.ToGray(p=1)"),
    ("noise:std=0.1,p=1", "A.GaussNoise(std_range=(0.1, 0.1), p=1)"),
    ("blur:sigma=1-2,p=1", "A.GaussianBlur(sigma_limit=(1, 2), blur_limit=0, p=1)"),
    ("cutout:holes=8,size=16,p=1", "A.CoarseDropout(num_holes_range=(8, 8), hole_height_range=(16, 16), hole_width_range=(16, 16), p=1)"),
    ("elastic:alpha=34,sigma=4,p=1", "A.ElasticTransform(alpha=34, sigma=4, p=1)"),
]

/// The options of `augment bench`.
enum BenchOptions {
    static let input = Opt.string(
        "in", "DIR", help: "PNG images to time on, cut to --size (default: the photos in samples/augment/detection).")
    static let size = Opt.int("size", default: 256, in: 16...4096, help: "Side of the square RGB images timed.")
    static let images = Opt.int("images", default: 500, in: 1...100_000, help: "Images per op (the albumentations suite uses 2,000).")
    static let only = Opt.string("only", "OP", help: "Time only the ops whose spec starts with this.")
    static let runs = Opt.int("runs", default: 5, in: 1...100, help: "Timed passes over the images; the median pass is reported.")
    static let list = Opt.flag("list", help: "Print each op's spec and its albumentations call, tab-separated, and stop.")
    static let json = Opt.string("json", "FILE", help: "Also write {op: images/s} as JSON.")
}

/// `count` square RGB crops of side `size` from the PNGs under `folder`, cut at even steps.
func benchmarkImages(_ folder: URL, size: Int, count: Int) throws -> [Image] {
    let photos = try ImageFolder.list(folder, classFolders: false).images.map { try PNG.read($0.url).converted(toChannels: 3) }
    guard !photos.isEmpty else { throw CLIError(folder.path + " holds no PNG images", code: .noInput) }
    return (0..<count).map { i in
        let photo = photos[i % photos.count]
        let side = min(photo.width, photo.height)
        let (x, y) = ((photo.width - side) * (i * 7 % 11) / 10, (photo.height - side) * (i * 3 % 5) / 4)
        let map = AffineMap.scale(Double(size) / Double(side), Double(size) / Double(side)).after(.translation(-Double(x), -Double(y)))
        return photo.warped(map, width: size, height: size, border: .replicate)
    }
}

func bench(_ args: Arguments) throws {
    if args[BenchOptions.list] {
        for op in benchmarkOps { print(op.spec + "\t" + op.albumentations) }
        return
    }
    let folder = URL(fileURLWithPath: args[BenchOptions.input] ?? "samples/augment/detection")
    let images = try benchmarkImages(folder, size: args[BenchOptions.size], count: args[BenchOptions.images])
    var results: [String: Double] = [:]
    for (spec, _) in benchmarkOps where args[BenchOptions.only].map({ spec.hasPrefix($0) }) ?? true {
        let pipeline = try Pipeline.parse(spec)
        var rng = RNG(seed: 0)
        var checksum = 0
        for image in images.prefix(10) {
            var s = Sample(image: image)
            _ = try pipeline.run(&s, rng: &rng, context: OpContext())
        }
        var rates: [Double] = []
        for _ in 0..<args[BenchOptions.runs] {
            let start = DispatchTime.now().uptimeNanoseconds
            for image in images {
                var s = Sample(image: image)
                _ = try pipeline.run(&s, rng: &rng, context: OpContext())
                checksum &+= Int(s.image.pixels[s.image.pixels.count / 2])
            }
            rates.append(Double(images.count) * 1e9 / Double(DispatchTime.now().uptimeNanoseconds - start))
        }
        let median = rates.sorted()[rates.count / 2]
        results[spec] = median
        print("\(spec)\t\(String(format: "%.0f", median))\t(checksum \(checksum))")
    }
    if let path = args[BenchOptions.json] { try JSONOutput.write(results, to: URL(fileURLWithPath: path)) }
}

let benchCommand = Command(
    "bench",
    abstract: "Images per second of each op on one thread over decoded images in memory (the albumentations benchmark's method).",
    options: [
        BenchOptions.input, BenchOptions.size, BenchOptions.images, BenchOptions.runs, BenchOptions.only, BenchOptions.list,
        BenchOptions.json,
    ]
) { try bench($0) }
