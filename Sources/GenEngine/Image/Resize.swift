/// How `Image.resized` computes an output pixel.
public enum ResizeFilter: Sendable {
    /// Bilinear interpolation between the four nearest pixel centres, with half-pixel centres
    /// (`align_corners=False`): output pixel `x` samples the input at `(x + 0.5) · in/out − 0.5`,
    /// clamped to the edge pixels. The mapping of PyTorch `F.interpolate(mode="bilinear",
    /// align_corners=False)` (`area_pixel_compute_source_index` in ATen `UpSample.h`) and OpenCV
    /// `INTER_LINEAR`; computed in double precision and rounded half away from zero (OpenCV's
    /// 8-bit path uses 11-bit fixed-point weights, so it can differ by one level).
    case bilinear
    /// Area averaging: output pixel `x` is the mean of the input over `[x · in/out, (x + 1) · in/out)`,
    /// partly covered pixels weighted by their covered fraction, then rounded. OpenCV `INTER_AREA`
    /// (`resizeArea`), the filter for shrinking: every input pixel counts, so thin strokes and
    /// noise are averaged rather than skipped. When enlarging an axis it is a box filter (nearest
    /// pixel, blended at pixel borders), where OpenCV switches to bilinear: use `.bilinear` there.
    case area
}

extension Image {
    /// This image scaled to `width × height` pixels (each at least 1) by `filter`, every channel
    /// alike (alpha too, not premultiplied); the text chunks are kept.
    public func resized(width newWidth: Int, height newHeight: Int, filter: ResizeFilter = .bilinear) -> Image {
        precondition(
            newWidth > 0 && newHeight > 0 && width > 0 && height > 0,
            "resized: \(width)x\(height) to \(newWidth)x\(newHeight) needs positive sizes")
        var out = [UInt8](repeating: 0, count: newWidth * newHeight * channels)
        switch filter {
        case .bilinear:
            for y in 0..<newHeight {
                let fy = (Double(y) + 0.5) * Double(height) / Double(newHeight) - 0.5
                let y0 = Swift.max(0, Swift.min(height - 1, Int(fy.rounded(.down))))
                let y1 = Swift.min(height - 1, y0 + 1)
                let wy = Swift.max(0, fy - Double(y0))
                for x in 0..<newWidth {
                    let fx = (Double(x) + 0.5) * Double(width) / Double(newWidth) - 0.5
                    let x0 = Swift.max(0, Swift.min(width - 1, Int(fx.rounded(.down))))
                    let x1 = Swift.min(width - 1, x0 + 1)
                    let wx = Swift.max(0, fx - Double(x0))
                    for c in 0..<channels {
                        func p(_ yy: Int, _ xx: Int) -> Double { Double(pixels[(yy * width + xx) * channels + c]) }
                        let v = (1 - wy) * ((1 - wx) * p(y0, x0) + wx * p(y0, x1)) + wy * ((1 - wx) * p(y1, x0) + wx * p(y1, x1))
                        out[(y * newWidth + x) * channels + c] = Image.sample(v)
                    }
                }
            }
        case .area:
            let columns = Image.areaWeights(from: width, to: newWidth)
            let rows = Image.areaWeights(from: height, to: newHeight)
            for y in 0..<newHeight {
                for x in 0..<newWidth {
                    for c in 0..<channels {
                        var v = 0.0
                        for (yy, wy) in rows[y] {
                            for (xx, wx) in columns[x] { v += wy * wx * Double(pixels[(yy * width + xx) * channels + c]) }
                        }
                        out[(y * newWidth + x) * channels + c] = Image.sample(v)
                    }
                }
            }
        }
        return Image(width: newWidth, height: newHeight, channels: channels, pixels: out, text: text)
    }

    /// A value in sample units, rounded half away from zero and clamped to 0…255.
    static func sample(_ v: Double) -> UInt8 { UInt8(Swift.max(0, Swift.min(255, v.rounded()))) }

    /// For each of `outputs` cells along an axis of `inputs` pixels: the input pixels it covers and
    /// the covered fraction of the cell each one makes up (the fractions of a cell sum to 1).
    static func areaWeights(from inputs: Int, to outputs: Int) -> [[(index: Int, weight: Double)]] {
        let scale = Double(inputs) / Double(outputs)
        return (0..<outputs).map { o in
            let start = Double(o) * scale
            let end = Double(o + 1) * scale
            let first = Int(start.rounded(.down))
            let last = Swift.min(inputs - 1, Int(end.rounded(.up)) - 1)
            return (first...Swift.max(first, last)).compactMap { i in
                let covered = Swift.min(end, Double(i + 1)) - Swift.max(start, Double(i))
                return covered > 0 ? (i, covered / scale) : nil
            }
        }
    }
}
