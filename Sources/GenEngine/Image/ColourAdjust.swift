// Colour adjustments of 8-bit images: brightness and contrast, luma, saturation, hue.
import CKernels

extension Image {
    /// Whether samples 0…2 of a pixel are red, green, blue (RGB or RGBA).
    public var isColour: Bool { channels >= 3 }
    /// Number of colour samples per pixel (alpha excluded).
    public var colourChannels: Int { channels == 2 || channels == 4 ? channels - 1 : channels }

    /// The pixels rewritten by `kernel(source, destination)` in one pass: a new buffer, so a
    /// shared image is read once rather than copied and then changed.
    private mutating func rewrite(_ kernel: (UnsafePointer<UInt8>, UnsafeMutablePointer<UInt8>) -> Void) {
        let count = pixels.count
        pixels = pixels.withUnsafeBufferPointer { src in
            [UInt8](unsafeUninitializedCapacity: count) { dst, n in
                kernel(src.baseAddress!, dst.baseAddress!)
                n = count
            }
        }
    }

    /// Scales every colour sample by `gain` and adds `offset` (rounded, clamped to 0…255): the
    /// brightness and contrast adjustments, in one vectorised pass.
    public mutating func scaleValues(gain: Float, offset: Float) {
        let (n, ch, colour) = (width * height, channels, colourChannels)
        rewrite { gk_linear_u8($0, $1, n, Int32(ch), Int32(colour), gain, offset) }
    }

    /// The mean BT.601 luma of the image, 0…255 (of the gray channel for gray images).
    public var meanLuma: Float {
        let (n, ch) = (width * height, channels)
        return pixels.withUnsafeBufferPointer { Float(gk_mean_luma_u8($0.baseAddress, n, Int32(ch))) }
    }

    /// Blends every colour pixel with its own BT.601 luma: `factor` 1 keeps it, 0 makes it gray,
    /// above 1 saturates (torchvision's `adjust_saturation`). Gray images are unchanged.
    public mutating func blendWithGray(_ factor: Float) {
        guard isColour else { return }
        let (n, ch) = (width * height, channels)
        rewrite { gk_blend_gray_u8($0, $1, n, Int32(ch), factor) }
    }

    /// Sets every colour pixel to its BT.601 luma in OpenCV's fixed point (`cvtColor(RGB2GRAY)`:
    /// 4899, 9617, 1868 / 2¹⁴), keeping the channel count. Gray images are unchanged.
    public mutating func grayscale() {
        guard isColour else { return }
        let (n, ch) = (width * height, channels)
        rewrite { gk_gray_u8($0, $1, n, Int32(ch)) }
    }

    /// Turns every colour pixel's hue by `shift` of a full turn (−0.5…0.5) in HSV, as
    /// torchvision's `adjust_hue`. Gray images are unchanged.
    public mutating func shiftHue(_ shift: Float) {
        guard isColour, shift != 0 else { return }
        let (n, ch) = (width * height, channels)
        rewrite { gk_shift_hue_u8($0, $1, n, Int32(ch), shift) }
    }
}
