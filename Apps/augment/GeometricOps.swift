// The geometric ops: each is an affine map that moves the pixels and the boxes together.
import Foundation
import GenEngine

/// Mirror left–right (albumentations' `HorizontalFlip`).
struct HorizontalFlip: ImageOp {
    let name = "hflip"
    func apply(_ s: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue.Field] {
        let (w, h) = (s.image.width, s.image.height)
        s.warp(AffineMap(a: -1, b: 0, c: Double(w), d: 0, e: 1, f: 0), width: w, height: h, rules: context.boxRules)
        return []
    }
}

/// Mirror top–bottom (`VerticalFlip`).
struct VerticalFlip: ImageOp {
    let name = "vflip"
    func apply(_ s: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue.Field] {
        let (w, h) = (s.image.width, s.image.height)
        s.warp(AffineMap(a: 1, b: 0, c: 0, d: 0, e: -1, f: Double(h)), width: w, height: h, rules: context.boxRules)
        return []
    }
}

/// Turn by a random multiple of 90° counter-clockwise (`RandomRotate90`, as `np.rot90`); odd
/// turns swap width and height.
struct RandomRotate90: ImageOp {
    let name = "rot90"
    func apply(_ s: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue.Field] {
        let k = rng.int(below: 4)
        let (w, h) = (Double(s.image.width), Double(s.image.height))
        let maps = [
            AffineMap.identity, AffineMap(a: 0, b: 1, c: 0, d: -1, e: 0, f: w),
            AffineMap(a: -1, b: 0, c: w, d: 0, e: -1, f: h), AffineMap(a: 0, b: -1, c: h, d: 1, e: 0, f: 0),
        ]
        let (ow, oh) = k % 2 == 0 ? (s.image.width, s.image.height) : (s.image.height, s.image.width)
        s.warp(maps[k], width: ow, height: oh, rules: context.boxRules)
        return [.init("k", .int(k))]
    }
}

/// How a warp fills what the source does not cover.
struct BorderParameters {
    var mode: BorderMode
    var fill: Int

    init(_ p: inout OpParameters, default mode: BorderMode = .constant) throws {
        self.mode = try p.choice("border", default: mode)
        self.fill = try p.int("fill", default: 0, in: 0...255)
    }

    func values(_ channels: Int) -> [UInt8] { [UInt8](repeating: UInt8(fill), count: channels) }
    var fields: [ManifestValue.Field] {
        mode == .constant
            ? [.init("border", .string(mode.rawValue)), .init("fill", .int(fill))] : [.init("border", .string(mode.rawValue))]
    }
}

/// Rotate by an angle drawn from `limit` degrees about the centre, same size (`Rotate`;
/// positive is counter-clockwise, as OpenCV's `getRotationMatrix2D`).
struct Rotate: ImageOp {
    let name = "rotate"
    var limit: ClosedRange<Double>
    var border: BorderParameters

    init(_ p: inout OpParameters) throws {
        limit = try p.range("limit", default: -90...90, in: -360...360, symmetric: true)
        border = try BorderParameters(&p)
    }

    func apply(_ s: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue.Field] {
        let angle = rng.uniform(in: limit)
        let (w, h) = (s.image.width, s.image.height)
        let map = AffineMap.about(Double(w) / 2, Double(h) / 2, .rotation(degrees: angle))
        s.warp(map, width: w, height: h, border: border.mode, fill: border.values(s.image.channels), rules: context.boxRules)
        return [.init("angle", .number(angle))] + border.fields
    }
}

/// Scale, then rotate, then shear about the centre, then translate, same size (albumentations'
/// `Affine`, in its order of composition; its
/// `ShiftScaleRotate` form takes `shift`, `scale` as ±limit around 1, and `rotate`).
struct RandomAffine: ImageOp {
    let name: String
    var scale: ClosedRange<Double>
    var translate: ClosedRange<Double>
    var rotate: ClosedRange<Double>
    var shear: ClosedRange<Double>
    var border: BorderParameters

    /// `affine:scale=0.9-1.1,translate=0.1,rotate=15,shear=10`, or with `shiftScaleRotate`
    /// `ssr:shift=0.0625,scale=0.1,rotate=45` (albumentations' defaults).
    init(_ p: inout OpParameters, shiftScaleRotate: Bool) throws {
        if shiftScaleRotate {
            name = "ssr"
            translate = try p.range("shift", default: -0.0625...0.0625, in: -1...1, symmetric: true)
            let s = try p.range("scale", default: -0.1...0.1, in: -0.99...10, symmetric: true)
            scale = (1 + s.lowerBound)...(1 + s.upperBound)
            rotate = try p.range("rotate", default: -45...45, in: -360...360, symmetric: true)
            shear = 0...0
        } else {
            name = "affine"
            scale = try p.range("scale", default: 1...1, in: 0.01...100)
            translate = try p.range("translate", default: 0...0, in: -1...1, symmetric: true)
            rotate = try p.range("rotate", default: 0...0, in: -360...360, symmetric: true)
            shear = try p.range("shear", default: 0...0, in: -89...89, symmetric: true)
        }
        border = try BorderParameters(&p)
    }

    func apply(_ s: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue.Field] {
        let k = rng.uniform(in: scale)
        let angle = rng.uniform(in: rotate)
        let tx = rng.uniform(in: translate)
        let ty = rng.uniform(in: translate)
        let sx = rng.uniform(in: shear)
        let sy = rng.uniform(in: shear)
        let (w, h) = (Double(s.image.width), Double(s.image.height))
        let linear = AffineMap.shear(xDegrees: sx, yDegrees: sy).after(.rotation(degrees: angle)).after(.scale(k, k))
        // Whole pixels, truncated as albumentations' Affine does (int(fraction · size)).
        let (dx, dy) = ((tx * w).rounded(.towardZero), (ty * h).rounded(.towardZero))
        let map = AffineMap.translation(dx, dy).after(.about(w / 2, h / 2, linear))
        s.warp(
            map, width: s.image.width, height: s.image.height, border: border.mode, fill: border.values(s.image.channels),
            rules: context.boxRules)
        return [
            .init("scale", .number(k)), .init("shift", .array([.int(Int(dx)), .int(Int(dy))])), .init("angle", .number(angle)),
            .init("shear", .array([.number(sx), .number(sy)])),
        ] + border.fields
    }
}

/// A crop of random area and aspect ratio resized to `size` (`RandomResizedCrop`, the
/// Inception-style crop of torchvision: ten tries, then the centre crop at the nearest ratio).
struct RandomResizedCrop: ImageOp {
    let name = "crop"
    var size: (width: Int, height: Int)?
    var scale: ClosedRange<Double>
    var ratio: ClosedRange<Double>
    var interpolation: Interpolation

    init(_ p: inout OpParameters) throws {
        size = try p.size("size")
        scale = try p.range("scale", default: 0.08...1, in: 0.0001...1)
        ratio = try p.range("ratio", default: 0.75...(4.0 / 3.0), in: 0.01...100)
        interpolation = try p.choice("interpolation", default: .bilinear)
    }

    func apply(_ s: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue.Field] {
        let (w, h) = (s.image.width, s.image.height)
        var crop = (x: 0, y: 0, w: w, h: h)
        var found = false
        for _ in 0..<10 {
            let area = Double(w * h) * rng.uniform(in: scale)
            let r = exp(rng.uniform(in: log(ratio.lowerBound)...log(ratio.upperBound)))
            let cw = Int((area * r).squareRoot().rounded())
            let ch = Int((area / r).squareRoot().rounded())
            if cw > 0 && ch > 0 && cw <= w && ch <= h {
                crop = (rng.int(in: 0...(w - cw)), rng.int(in: 0...(h - ch)), cw, ch)
                found = true
                break
            }
        }
        if !found {
            let r = Double(w) / Double(h)
            let (cw, ch) =
                r < ratio.lowerBound
                ? (w, Int((Double(w) / ratio.lowerBound).rounded()))
                : r > ratio.upperBound ? (Int((Double(h) * ratio.upperBound).rounded()), h) : (w, h)
            crop = ((w - cw) / 2, (h - ch) / 2, cw, ch)
        }
        let (ow, oh) = size ?? (w, h)
        let map = AffineMap.scale(Double(ow) / Double(crop.w), Double(oh) / Double(crop.h)).after(
            .translation(-Double(crop.x), -Double(crop.y)))
        s.warp(map, width: ow, height: oh, border: .replicate, interpolation: interpolation, rules: context.boxRules)
        return [.init("box", .array([crop.x, crop.y, crop.w, crop.h].map { .int($0) })), .init("size", .array([.int(ow), .int(oh)]))]
    }
}

/// Scale to `size` (`Resize`).
struct Resize: ImageOp {
    let name = "resize"
    var size: (width: Int, height: Int)
    var interpolation: Interpolation

    init(_ p: inout OpParameters) throws {
        guard let size = try p.size("size") else { throw CLIError.usage("resize needs size=N or size=WxH") }
        self.size = size
        interpolation = try p.choice("interpolation", default: .bilinear)
    }

    func apply(_ s: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue.Field] {
        let map = AffineMap.scale(Double(size.width) / Double(s.image.width), Double(size.height) / Double(s.image.height))
        s.warp(map, width: size.width, height: size.height, border: .replicate, interpolation: interpolation, rules: context.boxRules)
        return []
    }
}

/// A `size` window at the centre (`CenterCrop`) or at a random place (`RandomCrop`).
struct Crop: ImageOp {
    let name: String
    var size: (width: Int, height: Int)
    var random: Bool

    init(_ p: inout OpParameters, random: Bool) throws {
        name = random ? "randomcrop" : "centercrop"
        guard let size = try p.size("size") else { throw CLIError.usage("\(name) needs size=N or size=WxH") }
        self.size = size
        self.random = random
    }

    func apply(_ s: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue.Field] {
        let (w, h) = (s.image.width, s.image.height)
        guard size.width <= w, size.height <= h else {
            throw CLIError.badData("\(name) of \(size.width)x\(size.height) does not fit a \(w)x\(h) image; resize first or crop smaller")
        }
        let x = random ? rng.int(in: 0...(w - size.width)) : (w - size.width) / 2
        let y = random ? rng.int(in: 0...(h - size.height)) : (h - size.height) / 2
        s.warp(.translation(-Double(x), -Double(y)), width: size.width, height: size.height, rules: context.boxRules)
        return [.init("box", .array([x, y, size.width, size.height].map { .int($0) }))]
    }
}
