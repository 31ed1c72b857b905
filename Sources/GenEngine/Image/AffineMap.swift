// A 2-D affine map in continuous pixel coordinates: what every geometric image op is.
import Foundation

/// `(x, y) ↦ (a·x + b·y + c, d·x + e·y + f)` in continuous pixel coordinates, where pixel
/// (i, j) covers [i, i+1) × [j, j+1) and its centre is (i + 0.5, j + 0.5) (the convention of
/// OpenCV's `resize` and of albumentations' box maths). Flips, 90° turns, rotations, shears,
/// scalings, crops and resizes are all such maps from the source image to the output image, so
/// one map moves the pixels and the boxes alike.
public struct AffineMap: Equatable, Sendable {
    public var a: Double, b: Double, c: Double
    public var d: Double, e: Double, f: Double

    public init(a: Double, b: Double, c: Double, d: Double, e: Double, f: Double) {
        (self.a, self.b, self.c, self.d, self.e, self.f) = (a, b, c, d, e, f)
    }

    public static let identity = AffineMap(a: 1, b: 0, c: 0, d: 0, e: 1, f: 0)

    public static func translation(_ tx: Double, _ ty: Double) -> AffineMap { AffineMap(a: 1, b: 0, c: tx, d: 0, e: 1, f: ty) }

    public static func scale(_ sx: Double, _ sy: Double) -> AffineMap { AffineMap(a: sx, b: 0, c: 0, d: 0, e: sy, f: 0) }

    /// Counter-clockwise rotation by `degrees` as seen on screen (y points down), about the origin.
    public static func rotation(degrees: Double) -> AffineMap {
        let t = degrees * .pi / 180
        return AffineMap(a: cos(t), b: sin(t), c: 0, d: -sin(t), e: cos(t), f: 0)
    }

    /// Shear by `x` degrees along x and `y` degrees along y, as albumentations' `Affine(shear=)`
    /// (and scikit-image's `AffineTransform`): positive x shear moves the top of the image right,
    /// x′ = x − tan(x°)·y, y′ = y − tan(y°)·x (y points down).
    public static func shear(xDegrees: Double, yDegrees: Double) -> AffineMap {
        AffineMap(a: 1, b: -tan(xDegrees * .pi / 180), c: 0, d: -tan(yDegrees * .pi / 180), e: 1, f: 0)
    }

    /// `self` after `first`: (self ∘ first)(p) = self(first(p)).
    public func after(_ first: AffineMap) -> AffineMap {
        AffineMap(
            a: a * first.a + b * first.d, b: a * first.b + b * first.e, c: a * first.c + b * first.f + c,
            d: d * first.a + e * first.d, e: d * first.b + e * first.e, f: d * first.c + e * first.f + f)
    }

    /// `linear` applied about the point (cx, cy): translate it to the origin, apply, translate back.
    public static func about(_ cx: Double, _ cy: Double, _ linear: AffineMap) -> AffineMap {
        translation(cx, cy).after(linear).after(translation(-cx, -cy))
    }

    /// The inverse map (every map built here is invertible: scales are never 0).
    public var inverse: AffineMap {
        let det = a * e - b * d
        return AffineMap(
            a: e / det, b: -b / det, c: (b * f - e * c) / det,
            d: -d / det, e: a / det, f: (d * c - a * f) / det)
    }

    public func apply(_ x: Double, _ y: Double) -> (x: Double, y: Double) { (a * x + b * y + c, d * x + e * y + f) }

    /// Whether the map sends pixel centres onto pixel centres one to one (flips, 90° turns, crops
    /// by whole pixels), so the image moves by copying samples, without interpolation.
    public var isPixelExact: Bool {
        func unit(_ v: Double) -> Bool { v == 0 || v == 1 || v == -1 }
        func whole(_ v: Double) -> Bool { abs(v - v.rounded()) < 1e-9 }
        return unit(a) && unit(b) && unit(d) && unit(e) && abs(a * e - b * d) == 1 && whole(c) && whole(f)
    }
}
