extension Image {
    /// This image with `channels` samples per pixel (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA); the text
    /// chunks are kept.
    /// - Colour to gray: luma `0.299 R + 0.587 G + 0.114 B` (ITU-R BT.601; OpenCV `COLOR_RGB2GRAY`,
    ///   Pillow `convert("L")`), rounded.
    /// - Gray to colour: the gray value in R, G and B.
    /// - Alpha dropped: each pixel composited over the opaque `background` (RGB; its luma under a
    ///   gray+alpha image) before any conversion to gray, `round((c · a + b · (255 − a)) / 255)`
    ///   (Porter–Duff "over", straight alpha).
    /// - Alpha added: 255 (opaque).
    public func converted(toChannels wanted: Int, background: (UInt8, UInt8, UInt8) = (255, 255, 255)) -> Image {
        precondition((1...4).contains(wanted) && (1...4).contains(channels), "converted: \(channels) to \(wanted) channels")
        if wanted == channels { return self }
        let hasAlpha = channels == 2 || channels == 4
        let keepsAlpha = wanted == 2 || wanted == 4
        let backgroundGray = Image.luma(Int(background.0), Int(background.1), Int(background.2))
        func over(_ c: Int, _ b: Int, _ a: Int) -> Int { (c * a + b * (255 - a) + 127) / 255 }
        var out = [UInt8](repeating: 0, count: width * height * wanted)
        for i in 0..<(width * height) {
            let p = i * channels
            let o = i * wanted
            let alpha = hasAlpha ? Int(pixels[p + channels - 1]) : 255
            if channels >= 3 {
                var (r, g, b) = (Int(pixels[p]), Int(pixels[p + 1]), Int(pixels[p + 2]))
                if hasAlpha && !keepsAlpha {
                    (r, g, b) = (over(r, Int(background.0), alpha), over(g, Int(background.1), alpha), over(b, Int(background.2), alpha))
                }
                if wanted >= 3 {
                    (out[o], out[o + 1], out[o + 2]) = (UInt8(r), UInt8(g), UInt8(b))
                } else {
                    out[o] = UInt8(Image.luma(r, g, b))
                }
            } else {
                var v = Int(pixels[p])
                if hasAlpha && !keepsAlpha { v = over(v, backgroundGray, alpha) }
                for k in 0..<(wanted >= 3 ? 3 : 1) { out[o + k] = UInt8(v) }
            }
            if keepsAlpha { out[o + wanted - 1] = UInt8(alpha) }
        }
        return Image(width: width, height: height, channels: wanted, pixels: out, text: text)
    }

    /// BT.601 luma of an 8-bit RGB triple, rounded.
    static func luma(_ r: Int, _ g: Int, _ b: Int) -> Int {
        Int((0.299 * Double(r) + 0.587 * Double(g) + 0.114 * Double(b)).rounded())
    }
}
