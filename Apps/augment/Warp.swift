// Moving an image's pixels through an affine map or a per-pixel displacement field.
import Foundation
import GenEngine

/// What a geometric op samples where the source has no pixel (OpenCV's border modes, the ones
/// albumentations exposes as `border_mode`).
enum BorderMode: String, CaseIterable {
    /// The `fill` value (`cv2.BORDER_CONSTANT`).
    case constant
    /// The edge pixel repeated (`cv2.BORDER_REPLICATE`).
    case replicate
    /// Mirrored without repeating the edge, `gfedcb|abcdefgh|gfedcba` (`cv2.BORDER_REFLECT_101`,
    /// albumentations' default).
    case reflect
    /// Tiled, `cdefgh|abcdefgh|abcdefg` (`cv2.BORDER_WRAP`).
    case wrap

    /// OpenCV's constant for the mode, as albumentations' serialised pipelines store it.
    init?(openCV code: Int) {
        switch code {
        case 0: self = .constant
        case 1: self = .replicate
        case 3: self = .wrap
        case 4: self = .reflect
        default: return nil
        }
    }

    /// The source index for `i` (any integer) on an axis of `n` pixels, or nil for the fill.
    @inline(__always) func index(_ i: Int, _ n: Int) -> Int? {
        if i >= 0 && i < n { return i }
        switch self {
        case .constant: return nil
        case .replicate: return i < 0 ? 0 : n - 1
        case .wrap: return ((i % n) + n) % n
        case .reflect:
            if n == 1 { return 0 }
            let period = 2 * (n - 1)
            var j = ((i % period) + period) % period
            if j >= n { j = period - j }
            return j
        }
    }
}

/// How samples between pixel centres are read.
enum Interpolation: String, CaseIterable { case nearest, bilinear }

enum Warp {
    /// `image` moved by `map` (source → output coordinates) onto a `width` × `height` canvas.
    /// Pixel-exact maps copy samples; others sample the source at `map⁻¹` of each output pixel
    /// centre with `interpolation`, and read outside it through `border` (`fill`: one value per
    /// channel for `.constant`).
    static func affine(
        _ image: Image, _ map: AffineMap, width: Int, height: Int, border: BorderMode, fill: [UInt8],
        interpolation: Interpolation = .bilinear
    ) -> Image {
        let inv = map.inverse
        if map.isPixelExact { return copy(image, inv, width: width, height: height, border: border, fill: fill) }
        return remap(image, width: width, height: height, border: border, fill: fill, interpolation: interpolation) { x, y in
            inv.apply(Double(x) + 0.5, Double(y) + 0.5)
        }
    }

    /// The exact path: output pixel (x, y) takes source pixel `inv`(x + ½, y + ½) − ½.
    private static func copy(_ image: Image, _ inv: AffineMap, width: Int, height: Int, border: BorderMode, fill: [UInt8]) -> Image {
        let ch = image.channels
        var out = [UInt8](repeating: 0, count: width * height * ch)
        let (sx0, sy0) = inv.apply(0.5, 0.5)
        let (x0, y0) = (Int((sx0 - 0.5).rounded()), Int((sy0 - 0.5).rounded()))
        let (dxx, dxy, dyx, dyy) = (Int(inv.a), Int(inv.d), Int(inv.b), Int(inv.e))
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    let rowX = x0 + dyx * y
                    let rowY = y0 + dyy * y
                    let base = y * width * ch
                    if dxx == 1 && dxy == 0 && rowY >= 0 && rowY < image.height && rowX >= 0 && rowX + width <= image.width {
                        let from = (rowY * image.width + rowX) * ch
                        UnsafeMutableRawPointer(dst.baseAddress! + base).copyMemory(from: src.baseAddress! + from, byteCount: width * ch)
                        continue
                    }
                    for x in 0..<width {
                        let o = base + x * ch
                        if let sx = border.index(rowX + dxx * x, image.width), let sy = border.index(rowY + dxy * x, image.height) {
                            let s = (sy * image.width + sx) * ch
                            for c in 0..<ch { dst[o + c] = src[s + c] }
                        } else {
                            for c in 0..<ch { dst[o + c] = fill[c] }
                        }
                    }
                }
            }
        }
        return Image(width: width, height: height, channels: ch, pixels: out)
    }

    /// The general path: output pixel (x, y) reads the source at continuous point `source(x, y)`
    /// (a pixel centre is at +½), bilinearly or from the nearest pixel.
    static func remap(
        _ image: Image, width: Int, height: Int, border: BorderMode, fill: [UInt8], interpolation: Interpolation,
        source: (Int, Int) -> (x: Double, y: Double)
    ) -> Image {
        let ch = image.channels
        let (w, h) = (image.width, image.height)
        var out = [UInt8](repeating: 0, count: width * height * ch)
        var acc = [Float](repeating: 0, count: ch)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    for x in 0..<width {
                        let (px, py) = source(x, y)
                        let o = (y * width + x) * ch
                        if interpolation == .nearest {
                            if let sx = border.index(Int((px - 0.5).rounded()), w), let sy = border.index(Int((py - 0.5).rounded()), h) {
                                let s = (sy * w + sx) * ch
                                for c in 0..<ch { dst[o + c] = src[s + c] }
                            } else {
                                for c in 0..<ch { dst[o + c] = fill[c] }
                            }
                            continue
                        }
                        let fx = px - 0.5
                        let fy = py - 0.5
                        let ix = Int(fx.rounded(.down))
                        let iy = Int(fy.rounded(.down))
                        let tx = Float(fx - Double(ix))
                        let ty = Float(fy - Double(iy))
                        if ix >= 0 && iy >= 0 && ix + 1 < w && iy + 1 < h {
                            let s00 = (iy * w + ix) * ch
                            let s01 = s00 + ch
                            let s10 = s00 + w * ch
                            let s11 = s10 + ch
                            for c in 0..<ch {
                                let top = Float(src[s00 + c]) + (Float(src[s01 + c]) - Float(src[s00 + c])) * tx
                                let bottom = Float(src[s10 + c]) + (Float(src[s11 + c]) - Float(src[s10 + c])) * tx
                                dst[o + c] = UInt8(clamping: Int((top + (bottom - top) * ty).rounded()))
                            }
                            continue
                        }
                        for c in 0..<ch { acc[c] = 0 }
                        for (dy, wy) in [(0, 1 - ty), (1, ty)] where wy > 0 {
                            for (dx, wx) in [(0, 1 - tx), (1, tx)] where wx > 0 {
                                if let sx = border.index(ix + dx, w), let sy = border.index(iy + dy, h) {
                                    let s = (sy * w + sx) * ch
                                    for c in 0..<ch { acc[c] += wx * wy * Float(src[s + c]) }
                                } else {
                                    for c in 0..<ch { acc[c] += wx * wy * Float(fill[c]) }
                                }
                            }
                        }
                        for c in 0..<ch { dst[o + c] = UInt8(clamping: Int(acc[c].rounded())) }
                    }
                }
            }
        }
        return Image(width: width, height: height, channels: ch, pixels: out)
    }
}
