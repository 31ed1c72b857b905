// Cutout / coarse dropout: rectangles filled with one value.
import GenEngine

/// Fills a number of rectangles drawn from `holes`, each side drawn from `size` pixels (default
/// a tenth of the shorter side), placed uniformly inside the image, with `fill` (`CoarseDropout`;
/// DeVries & Taylor 2017, "Improved regularization of CNNs with Cutout"). Boxes are unchanged.
struct Cutout: ImageOp {
    let name = "cutout"
    var holes: ClosedRange<Int>
    var size: ClosedRange<Int>?
    var fill: Int

    init(_ p: inout OpParameters) throws {
        holes = try p.intRange("holes", default: 1...1, in: 0...10_000)
        let sides = try p.intRange("size", default: 0...0, in: 1...65_536, orDefault: true)
        size = sides == 0...0 ? nil : sides
        fill = try p.int("fill", default: 0, in: 0...255)
    }

    func apply(_ s: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue.Field] {
        let (w, h, ch, colour) = (s.image.width, s.image.height, s.image.channels, s.image.colourChannels)
        let sides = size ?? max(1, min(w, h) / 10)...max(1, min(w, h) / 10)
        var rects: [ManifestValue] = []
        for _ in 0..<rng.int(in: holes) {
            let hw = min(w, rng.int(in: sides))
            let hh = min(h, rng.int(in: sides))
            let x = rng.int(in: 0...(w - hw))
            let y = rng.int(in: 0...(h - hh))
            for yy in y..<(y + hh) {
                for xx in x..<(x + hw) { for c in 0..<colour { s.image.pixels[(yy * w + xx) * ch + c] = UInt8(fill) } }
            }
            rects.append(.array([x, y, hw, hh].map { .int($0) }))
        }
        return [.init("holes", .array(rects)), .init("fill", .int(fill))]
    }
}
