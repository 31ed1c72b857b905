// Image data in: MNIST IDX files (.gz too) and folders of PNGs with one subfolder per class.
import Foundation
import GenEngine

/// Images `[N, C, H, W]` with values in [0, 1], a class per image, and the class names.
struct ImageDataset {
    var images: Tensor
    var labels: [Int32]
    var classNames: [String]
    var count: Int { images.shape[0] }

    /// The same images with labels mapped by class name onto `names` (the model's classes, in the
    /// model's order): a folder holding only `3/` and `7/` is scored as 3s and 7s. A class the model
    /// does not know is an error naming it.
    func relabelled(as names: [String], source: String) throws -> ImageDataset {
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Int32($0)) })
        var mapping: [Int32] = []
        for name in classNames {
            guard let i = index[name] else {
                throw CLIError.badData("\(source): class '\(name)' is not one the model knows (\(names.joined(separator: ", ")))")
            }
            mapping.append(i)
        }
        return ImageDataset(images: images, labels: labels.map { mapping[Int($0)] }, classNames: names)
    }

    /// Rows `indices` as a batch.
    func batch(_ indices: [Int]) -> (images: Tensor, labels: [Int32]) {
        (images.gathered(rows: indices.map(Int32.init)), indices.map { labels[$0] })
    }
}

enum IDX {
    /// Reads an IDX file (big-endian header: magic 0x0000_08_0D with D dimensions, then sizes).
    static func read(_ url: URL) throws -> (dims: [Int], bytes: [UInt8]) {
        let data = try Gzip.readMaybeCompressed(url)
        func fail(_ why: String) -> CLIError { .badData("\(url.path): not an IDX file (\(why)); pass MNIST's idx3/idx1 files") }
        guard data.count >= 4 else { throw fail("too short") }
        let b = [UInt8](data)
        guard b[0] == 0, b[1] == 0, b[2] == 0x08, (1...4).contains(b[3]) else { throw fail("bad magic bytes") }
        let rank = Int(b[3])
        guard b.count >= 4 + 4 * rank else { throw fail("truncated header") }
        let dims = (0..<rank).map { i in (0..<4).reduce(0) { $0 << 8 | Int(b[4 + 4 * i + $1]) } }
        let total = dims.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
        guard total == b.count - 4 - 4 * rank else {
            throw fail("header promises \(total) bytes of data, file has \(b.count - 4 - 4 * rank)")
        }
        return (dims, Array(b[(4 + 4 * rank)...]))
    }

    /// MNIST images and labels; the labels file is found beside the images file.
    static func mnist(images url: URL) throws -> ImageDataset {
        let (dims, pixels) = try read(url)
        guard dims.count == 3 else { throw CLIError.badData("\(url.path): expected an idx3 image file, got \(dims.count) dimensions") }
        let labelsURL = URL(fileURLWithPath: url.path.replacingOccurrences(of: "images-idx3", with: "labels-idx1"))
        guard labelsURL != url, FileManager.default.fileExists(atPath: labelsURL.path) else {
            throw CLIError("\(labelsURL.path): labels file not found beside \(url.lastPathComponent)", code: .noInput)
        }
        let (ldims, labels) = try read(labelsURL)
        guard ldims == [dims[0]] else { throw CLIError.badData("\(labelsURL.path): \(ldims) labels for \(dims[0]) images") }
        guard labels.allSatisfy({ $0 < 10 }) else { throw CLIError.badData("\(labelsURL.path): a label is not a digit 0-9") }
        let images = Tensor(pixels.map { Float($0) / 255 }, shape: [dims[0], 1, dims[1], dims[2]])
        return ImageDataset(images: images, labels: labels.map(Int32.init), classNames: (0...9).map(String.init))
    }
}

enum ImageFolder {
    /// Every PNG under `folder/<class>/`; classes sorted by name. Hidden files and macOS leftovers
    /// are never data nor a class (`DataFolder`). Wrong-sized images are an error unless `resize`;
    /// anything unreadable (a corrupt PNG, a folder named `x.png`, a FIFO, a dangling symlink, a
    /// file without read permission) is an error naming it, or with `skipBad` is named on stderr,
    /// skipped and counted. Alpha is composited over the gray level `background` (MNIST's is 0).
    static func read(
        _ folder: URL, size: Int, channels: Int, resize: Bool, skipBad: Bool, maxPixels: UInt64 = PNG.defaultMaxPixels,
        background: UInt8 = 0
    ) throws -> (ImageDataset, skipped: Int) {
        let classes = try DataFolder.entries(folder).filter { DataFolder.isFolder(folder.appendingPathComponent($0)) }
        guard !classes.isEmpty else {
            throw CLIError.badData("\(folder.path): no class subfolders; put each class's PNGs in a subfolder named after it")
        }
        var pixels: [Float] = []
        var labels: [Int32] = []
        var skipped = 0
        for (label, name) in classes.enumerated() {
            let files = try DataFolder.entries(folder.appendingPathComponent(name)).filter { $0.lowercased().hasSuffix(".png") }
            for file in files {
                let url = folder.appendingPathComponent(name).appendingPathComponent(file)
                do {
                    if let problem = DataFolder.problem(url) { throw CLIError.badData("\(url.path): \(problem)") }
                    var image = try PNG.read(url, maxPixels: maxPixels)
                    if image.width != size || image.height != size {
                        guard resize else {
                            throw CLIError.badData(
                                "\(url.path): image is \(image.width)x\(image.height), the model needs \(size)x\(size); pass --resize to scale it"
                            )
                        }
                        image = image.resized(width: size, height: size)
                    }
                    pixels += image.tensor(channels: channels, background: background).scalars
                    labels.append(Int32(label))
                } catch  where skipBad && (error is PNGError || error is IOFailure || error is CLIError) {
                    printError("gen-image: skipped \(url.path): \(CLIError(from: error).message)")
                    skipped += 1
                } catch let e as PNGError {
                    throw CLIError.badData("\(url.path): \(e.message); fix or remove it, or pass --skip-bad\(sizeHint(e))")
                }
            }
        }
        guard !labels.isEmpty else { throw CLIError.badData("\(folder.path): no readable PNG files") }
        return (
            ImageDataset(images: Tensor(pixels, shape: [labels.count, channels, size, size]), labels: labels, classNames: classes), skipped
        )
    }
}

extension Image {
    /// `[C, H, W]` in [0, 1] with `channels` channels: gray from colour by luminance, colour from
    /// gray by repetition; alpha is composited over the gray level `background` (0, MNIST's black,
    /// keeps a digit drawn only in alpha in shape).
    func tensor(channels wanted: Int, background: UInt8 = 0) -> Tensor {
        let t =
            channels == 2 || channels == 4
            ? converted(toChannels: channels - 1, background: (background, background, background)).tensor() : tensor()
        let colour = channels >= 3
        if wanted == 1 {
            guard colour else { return t.slice(0..<1) }
            return (t.slice(0..<1) * 0.299 + t.slice(1..<2) * 0.587 + t.slice(2..<3) * 0.114)
        }
        return colour ? t.slice(0..<3) : Tensor.concat([t.slice(0..<1), t.slice(0..<1), t.slice(0..<1)])
    }
}

/// Reads `--data`: a folder of class subfolders, an MNIST idx3 file, or a folder holding MNIST's
/// `train-images-idx3-ubyte[.gz]` (or `t10k-…` when `test`).
func loadImages(
    _ path: String, size: Int, channels: Int, resize: Bool, skipBad: Bool, maxPixels: UInt64, background: UInt8 = 0,
    test: Bool = false
) throws -> ImageDataset {
    let url = URL(fileURLWithPath: path)
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else { throw IOFailure.missing(path) }
    if isDir.boolValue {
        let prefix = test ? "t10k-images-idx3-ubyte" : "train-images-idx3-ubyte"
        for name in [prefix + ".gz", prefix] where FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path) {
            return try checkedMNIST(url.appendingPathComponent(name), size: size, channels: channels)
        }
        let (data, skipped) = try ImageFolder.read(
            url, size: size, channels: channels, resize: resize, skipBad: skipBad, maxPixels: maxPixels, background: background)
        if skipped > 0 { printError("gen-image: skipped \(skipped) unreadable file\(skipped == 1 ? "" : "s") (--skip-bad)") }
        return data
    }
    return try checkedMNIST(url, size: size, channels: channels)
}

private func checkedMNIST(_ url: URL, size: Int, channels: Int) throws -> ImageDataset {
    let data = try IDX.mnist(images: url)
    guard data.images.shape[2] == size, channels == 1 else {
        throw CLIError.usage(
            "\(url.lastPathComponent) holds \(data.images.shape[2])x\(data.images.shape[3]) gray images: use --size \(data.images.shape[2]) --channels 1"
        )
    }
    return data
}

/// The option that raises the pixel limit, when that is what a PNG error is about.
func sizeHint(_ error: PNGError) -> String {
    error.message.contains("exceeds the limit") ? " (--max-pixels raises the limit)" : ""
}
