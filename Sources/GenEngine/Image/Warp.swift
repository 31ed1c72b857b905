// Moving an image's pixels through an affine map or a per-pixel source map (CKernels image.c).
import CKernels

/// What a geometric op samples where the source has no pixel (OpenCV's border modes, the ones
/// albumentations exposes as `border_mode`).
public enum BorderMode: String, CaseIterable, Sendable {
    /// The `fill` value (`cv2.BORDER_CONSTANT`).
    case constant
    /// The edge pixel repeated (`cv2.BORDER_REPLICATE`).
    case replicate
    /// Mirrored without repeating the edge, `gfedcb|abcdefgh|gfedcba` (`cv2.BORDER_REFLECT_101`).
    case reflect
    /// Tiled, `cdefgh|abcdefgh|abcdefg` (`cv2.BORDER_WRAP`).
    case wrap

    /// The mode of OpenCV's constant `code` (as albumentations' saved pipelines store it), or nil.
    public init?(openCV code: Int) {
        switch code {
        case 0: self = .constant
        case 1: self = .replicate
        case 3: self = .wrap
        case 4: self = .reflect
        default: return nil
        }
    }

    /// The kernels' code for the mode.
    var kernelCode: Int32 {
        switch self {
        case .constant: return 0
        case .replicate: return 1
        case .reflect: return 2
        case .wrap: return 3
        }
    }
}

/// How samples between pixel centres are read.
public enum Interpolation: String, CaseIterable, Sendable {
    case nearest, bilinear
}

extension Image {
    /// This image moved by `map` (source → output continuous coordinates, pixel centres at +½)
    /// onto a `width` × `height` canvas. A pixel-exact map (flips, quarter turns, whole-pixel
    /// crops) copies samples; any other reads the source at `map⁻¹` of each output pixel centre,
    /// bilinearly with 11-bit fixed-point weights as OpenCV's `warpAffine`, or from the nearest
    /// pixel; outside the source it reads through `border` (`fill`: one value per channel, for
    /// `.constant`). The text chunks are dropped.
    public func warped(
        _ map: AffineMap, width: Int, height: Int, border: BorderMode, fill: [UInt8]? = nil, interpolation: Interpolation = .bilinear
    ) -> Image {
        let inv = map.inverse
        let fillValues = fill ?? [UInt8](repeating: 0, count: channels)
        precondition(fillValues.count == channels, "warped: one fill value per channel")
        let out = [UInt8](unsafeUninitializedCapacity: width * height * channels) { buffer, count in
            pixels.withUnsafeBufferPointer { src in
                if map.isPixelExact {
                    let (x0, y0) = inv.apply(0.5, 0.5)
                    gk_copy_exact_u8(
                        src.baseAddress, Int32(self.width), Int32(self.height), Int32(channels), buffer.baseAddress, Int32(width),
                        Int32(height),
                        Int32((x0 - 0.5).rounded()), Int32((y0 - 0.5).rounded()), Int32(inv.a), Int32(inv.d), Int32(inv.b), Int32(inv.e),
                        border.kernelCode, fillValues)
                } else {
                    gk_warp_affine_u8(
                        src.baseAddress, Int32(self.width), Int32(self.height), Int32(channels), buffer.baseAddress, Int32(width),
                        Int32(height),
                        [inv.a, inv.b, inv.c, inv.d, inv.e, inv.f], border.kernelCode, fillValues, interpolation == .nearest ? 1 : 0)
                }
            }
            count = width * height * channels
        }
        return Image(width: width, height: height, channels: channels, pixels: out)
    }

    /// A `width` × `height` image whose pixel i reads this one bilinearly at source point
    /// (`sourcePoints[2i]`, `sourcePoints[2i+1]`), pixel centres at integer coordinates (as
    /// OpenCV's `remap` maps), through `border` outside it.
    public func remapped(width: Int, height: Int, sourcePoints: [Float], border: BorderMode, fill: [UInt8]? = nil) -> Image {
        precondition(sourcePoints.count == 2 * width * height, "remapped: two coordinates per output pixel")
        let fillValues = fill ?? [UInt8](repeating: 0, count: channels)
        let out = [UInt8](unsafeUninitializedCapacity: width * height * channels) { buffer, count in
            pixels.withUnsafeBufferPointer { src in
                gk_remap_u8(
                    src.baseAddress, Int32(self.width), Int32(self.height), Int32(channels), buffer.baseAddress, Int32(width),
                    Int32(height),
                    sourcePoints, border.kernelCode, fillValues)
            }
            count = width * height * channels
        }
        return Image(width: width, height: height, channels: channels, pixels: out)
    }
}
