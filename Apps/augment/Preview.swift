// augment preview: one image through the pipeline K times, as a grid.
import Foundation
import GenEngine

/// The options of `augment preview`.
enum PreviewOptions {
    static let input = Opt.string("in", "IMG.png", help: "The image to augment.")
    static let pipeline = Opt.string("pipeline", "SPEC", help: "Ops as for augment images, or a .json pipeline file.")
    static let count = Opt.int("count", default: 15, in: 1...1_000, help: "Augmented versions to show after the original.")
    static let columns = Opt.int("columns", default: 4, in: 1...100, help: "Images per row.")
    static let scale = Opt.int("scale", default: 1, in: 1...16, help: "Draw each pixel as an S×S block (for small images such as MNIST).")
    static let seed = Opt.seed(help: "Random seed; version k uses the stream of copy k, as augment images does.")
    static let boxes = Opt.choice("boxes", "FORMAT", default: BoxFormat.none, help: "yolo: read IMG.txt and draw the moved boxes.")
    static let output = OutputOptionGroup(outPlaceholder: "GRID.png", outHelp: "The grid to write (default preview.png).")
    static let all: [any OptionConvertible] = [input, pipeline, count, columns, scale, seed, boxes] + output.options
}

/// `samples` tiled `columns` per row on a white canvas, each pixel `scale`×`scale`, every cell
/// as large as the largest image plus a 4-pixel gap, boxes drawn in red.
func previewGrid(_ samples: [Sample], columns: Int, scale: Int) -> Image {
    let cellW = samples.map(\.image.width).max()! * scale + 4
    let cellH = samples.map(\.image.height).max()! * scale + 4
    let rows = (samples.count + columns - 1) / columns
    var canvas = Canvas(width: cellW * min(columns, samples.count) + 4, height: cellH * rows + 4)
    for (n, sample) in samples.enumerated() {
        let rgb = sample.image.converted(toChannels: 3)
        let (ox, oy) = (4 + (n % columns) * cellW, 4 + (n / columns) * cellH)
        for y in 0..<(rgb.height * scale) {
            for x in 0..<(rgb.width * scale) {
                let p = ((y / scale) * rgb.width + x / scale) * 3
                canvas.set(ox + x, oy + y, (rgb.pixels[p], rgb.pixels[p + 1], rgb.pixels[p + 2]))
            }
        }
        for b in sample.boxes {
            let (x1, y1) = (ox + Int(b.x1 * Double(scale)), oy + Int(b.y1 * Double(scale)))
            let (x2, y2) = (
                ox + max(0, Int((b.x2 * Double(scale)).rounded(.up)) - 1), oy + max(0, Int((b.y2 * Double(scale)).rounded(.up)) - 1)
            )
            for (a, c) in [((x1, y1), (x2, y1)), ((x2, y1), (x2, y2)), ((x2, y2), (x1, y2)), ((x1, y2), (x1, y1))] {
                canvas.line(a.0, a.1, c.0, c.1, (230, 30, 30))
            }
        }
    }
    return canvas.image
}

func preview(_ args: Arguments) throws {
    guard let inPath = args[PreviewOptions.input] else { throw CLIError.usage("augment preview needs --in IMG.png") }
    guard let spec = args[PreviewOptions.pipeline] else { throw CLIError.usage("augment preview needs --pipeline SPEC") }
    let pipeline = try Pipeline.parse(spec)
    if pipeline.mixes { throw CLIError.usage("mixup and cutmix draw a second image from a dataset; preview them with augment images") }
    let out = args[PreviewOptions.output.out] ?? "preview.png"
    try PreviewOptions.output.check([out], args)
    let url = URL(fileURLWithPath: inPath)
    if let problem = DataFolder.problem(url) { throw IOFailure.unreadable(url.path, reason: problem) }
    let image: Image
    do { image = try PNG.read(url) } catch { throw CLIError.badData("\(url.path): \(error)") }
    var original = Sample(image: image)
    if args[PreviewOptions.boxes] == .yolo {
        let labels = url.deletingPathExtension().appendingPathExtension("txt")
        let text = String(decoding: try AtomicFile.read(labels), as: UTF8.self)
        original.boxes = try YOLOLabels.read(text, path: labels.path, width: original.image.width, height: original.image.height)
    }
    let context = OpContext(boxRules: pipeline.boxRules ?? BoxRules())
    let relative = url.lastPathComponent
    var samples = [original]
    for copy in 0..<args[PreviewOptions.count] {
        var rng = RNG(seed: args[PreviewOptions.seed], stream: "image:\(relative):\(copy)")
        var s = original
        _ = try pipeline.run(&s, rng: &rng, context: context)
        samples.append(s)
    }
    // The original is shown at the size of the largest augmented version, so a crop's grid is not
    // laid out around the full-size original.
    let (cellW, cellH) = (samples.dropFirst().map(\.image.width).max()!, samples.dropFirst().map(\.image.height).max()!)
    let fit = min(1, min(Double(cellW) / Double(original.image.width), Double(cellH) / Double(original.image.height)))
    if fit < 1 {
        let (w, h) = (max(1, Int(Double(original.image.width) * fit)), max(1, Int(Double(original.image.height) * fit)))
        samples[0].warp(
            .scale(Double(w) / Double(original.image.width), Double(h) / Double(original.image.height)), width: w, height: h,
            border: .replicate, rules: BoxRules())
    }
    let grid = previewGrid(samples, columns: args[PreviewOptions.columns], scale: args[PreviewOptions.scale])
    try AtomicFile.write(try PNG.encode(grid), to: URL(fileURLWithPath: out))
    if !args[PreviewOptions.output.quiet] && out != "-" {
        printError("wrote \(out): the original and \(samples.count - 1) augmented versions")
    }
}

let previewCommand = Command(
    "preview", abstract: "One image through a pipeline K times, as a grid (the original first; boxes drawn with --boxes yolo).",
    options: PreviewOptions.all
) { try preview($0) }
