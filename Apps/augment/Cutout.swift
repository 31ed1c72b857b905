// Cutout / coarse dropout: rectangles filled with one value.
import GenEngine

/// Fills a number of rectangles drawn from `holes`, each side drawn from `size` pixels, or from
/// `fraction` of the image's width and height (albumentations 2's default 0.1–0.3), or else a
/// tenth of the shorter side, placed uniformly inside the image, with `fill` (`CoarseDropout`;
/// DeVries & Taylor 2017, "Improved regularization of CNNs with Cutout"). Boxes are unchanged.
struct Cutout: ImageOp {
    let name = "cutout"
    var holes: ClosedRange<Int>
    var size: ClosedRange<Int>?
    var fraction: ClosedRange<Double>?
    var fill: Int

    init(_ p: inout OpParameters) throws {
        holes = try p.intRange("holes", default: 1...1, in: 0...10_000)
        let sides = try p.intRange("size", default: 0...0, in: 1...65_536, orDefault: true)
        size = sides == 0...0 ? nil : sides
        let share = try p.range("fraction", default: 0...0, in: 0...1)
        fraction = share == 0...0 ? nil : share
        if size != nil && fraction != nil { throw CLIError.usage("cutout takes size (pixels) or fraction, not both") }
        fill = try p.int("fill", default: 0, in: 0...255)
    }

    func apply(_ s: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue.Field] {
        let (w, h, ch, colour) = (s.image.width, s.image.height, s.image.channels, s.image.colourChannels)
        let tenth = max(1, min(w, h) / 10)
        var rects: [ManifestValue] = []
        for _ in 0..<rng.int(in: holes) {
            let hw: Int
            let hh: Int
            if let fraction {
                hw = min(w, max(1, Int((rng.uniform(in: fraction) * Double(w)).rounded())))
                hh = min(h, max(1, Int((rng.uniform(in: fraction) * Double(h)).rounded())))
            } else {
                let sides = size ?? tenth...tenth
                hw = min(w, rng.int(in: sides))
                hh = min(h, rng.int(in: sides))
            }
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
