import XCTest

@testable import GenEngine

/// The RGB kernels take vectorised paths (interleaved loops, an AVX-512 lookup table, an AVX2
/// horizontal resampling pass); these tests hold them to the plain per-pixel paths that gray
/// and RGBA images take, on sizes that leave partial vectors at the ends.
final class ColourAndResampleTests: XCTestCase {
    /// A 37 × 29 RGB image of varied values (37 · 29 · 3 is not a multiple of 64).
    private func photo(seed: UInt64) -> Image {
        var rng = RNG(seed: seed)
        let pixels = (0..<(37 * 29)).flatMap { i -> [UInt8] in
            let x = i % 37
            let y = i / 37
            return [UInt8((x * 7 + y * 3) % 256), UInt8(rng.next() % 256), UInt8((255 - x * 5 + y) & 255)]
        }
        return Image(width: 37, height: 29, channels: 3, pixels: pixels)
    }

    /// The RGB image with an alpha channel of varied values.
    private func withAlpha(_ rgb: Image) -> Image {
        var pixels: [UInt8] = []
        for p in 0..<(rgb.width * rgb.height) { pixels += rgb.pixels[3 * p..<3 * p + 3] + [UInt8(p * 13 % 256)] }
        return Image(width: rgb.width, height: rgb.height, channels: 4, pixels: pixels)
    }

    /// Every colour adjustment gives an RGB image's pixels the same values as the RGBA path
    /// (alpha kept), and scaleValues is clamp(round(gain·x + offset)) sample by sample.
    func testRGBPathsAgreeWithRGBAPaths() {
        let rgb = photo(seed: 3)
        let rgba = withAlpha(rgb)
        let edits: [(String, (inout Image) -> Void)] = [
            ("scaleValues", { $0.scaleValues(gain: 1.37, offset: -20.5) }),
            ("grayscale", { $0.grayscale() }),
            ("blendWithGray", { $0.blendWithGray(1.6) }),
            ("shiftHue", { $0.shiftHue(-0.31) }),
        ]
        for (name, edit) in edits {
            var a = rgb
            var b = rgba
            edit(&a)
            edit(&b)
            for p in 0..<(rgb.width * rgb.height) {
                XCTAssertEqual(Array(a.pixels[3 * p..<3 * p + 3]), Array(b.pixels[4 * p..<4 * p + 3]), "\(name), pixel \(p)")
                XCTAssertEqual(b.pixels[4 * p + 3], rgba.pixels[4 * p + 3], "\(name) changed alpha at pixel \(p)")
            }
            XCTAssertNotEqual(a.pixels, rgb.pixels, name)
        }
        var scaled = rgb
        scaled.scaleValues(gain: 1.37, offset: -20.5)
        XCTAssertEqual(scaled.pixels, rgb.pixels.map { UInt8(min(max(Float($0) * 1.37 - 20.5, 0), 255) + 0.5) })
        XCTAssertEqual(rgb.meanLuma, withAlpha(rgb).meanLuma)
    }

    /// Axis-aligned warps (bilinear downscale, upscale past the borders, a mirrored crop; exact
    /// mirrors) of an RGB and an RGBA image equal the same warps of each channel alone (the
    /// gray path is the plain loop; RGB and RGBA take the vector passes).
    func testRGBResamplingAgreesWithEachChannelAlone() {
        for image in [photo(seed: 5), withAlpha(photo(seed: 5))] { checkResamplingAgreesWithEachChannelAlone(image) }
    }

    private func checkResamplingAgreesWithEachChannelAlone(_ rgb: Image) {
        let ch = rgb.channels
        let maps: [(AffineMap, Int, Int)] = [
            (.scale(0.61, 0.83), 22, 24),
            (.scale(0.2, 0.5), 8, 14),  // past the vector pass's window: the RGB loop
            (.scale(1.7, 1.3), 63, 38),
            (AffineMap(a: -1.19, b: 0, c: 40.3, d: 0, e: 0.9, f: -2.2), 31, 27),
            (AffineMap(a: -1, b: 0, c: 37, d: 0, e: 1, f: 0), 37, 29),  // exact mirror: the row reversal
            (AffineMap(a: -1, b: 0, c: 33, d: 0, e: -1, f: 27), 30, 25),  // mirrored crop turned upside down
        ]
        for (map, w, h) in maps {
            for border in [BorderMode.replicate, .reflect, .wrap] {
                let whole = rgb.warped(map, width: w, height: h, border: border)
                for c in 0..<ch {
                    let plane = Image(
                        width: rgb.width, height: rgb.height, channels: 1,
                        pixels: stride(from: c, to: rgb.pixels.count, by: ch).map { rgb.pixels[$0] })
                    let alone = plane.warped(map, width: w, height: h, border: border)
                    XCTAssertEqual(
                        stride(from: c, to: whole.pixels.count, by: ch).map { whole.pixels[$0] }, alone.pixels,
                        "\(map) channel \(c) of \(ch)")
                }
            }
        }
    }
}
