import Foundation

/// Line charts drawn straight into an RGB `Image` (training curves), with labelled axes, tick
/// values and a legend in a built-in 3×5 pixel font. No font files or plotting library needed.
public struct LinePlot {
    public struct Series {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var color: (UInt8, UInt8, UInt8)
        public init(name: String, points: [(x: Double, y: Double)], color: (UInt8, UInt8, UInt8)) {
            self.name = name; self.points = points; self.color = color
        }
    }

    public var title: String, xLabel: String, yLabel: String
    public var series: [Series]
    public var width = 720, height = 420

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series
    }

    /// The chart as an 8-bit RGB image.
    public func render() -> Image {
        var canvas = Canvas(width: width, height: height)
        let (left, right, top, bottom) = (78, 20, 40, 48)
        let plotW = width - left - right, plotH = height - top - bottom
        let all = series.flatMap(\.points).filter { $0.y.isFinite }
        var (x0, x1) = (all.map(\.x).min() ?? 0, all.map(\.x).max() ?? 1)
        var (y0, y1) = (all.map(\.y).min() ?? 0, all.map(\.y).max() ?? 1)
        if x1 <= x0 { x1 = x0 + 1 }
        if y1 <= y0 { y0 -= 0.5; y1 += 0.5 }
        let pad = (y1 - y0) * 0.05
        y0 -= pad; y1 += pad
        func px(_ x: Double) -> Int { left + Int((x - x0) / (x1 - x0) * Double(plotW)) }
        func py(_ y: Double) -> Int { top + plotH - Int((y - y0) / (y1 - y0) * Double(plotH)) }

        let axis: (UInt8, UInt8, UInt8) = (40, 40, 40), grid: (UInt8, UInt8, UInt8) = (225, 225, 225)
        for i in 0...4 {
            let fy = y0 + (y1 - y0) * Double(i) / 4, fx = x0 + (x1 - x0) * Double(i) / 4
            canvas.line(left, py(fy), left + plotW, py(fy), grid)
            canvas.line(px(fx), top, px(fx), top + plotH, grid)
            let yText = LinePlot.format(fy)
            canvas.text(yText, x: left - 6 - Canvas.textWidth(yText), y: py(fy) - 5, color: axis)
            let xText = LinePlot.format(fx)
            canvas.text(xText, x: px(fx) - Canvas.textWidth(xText) / 2, y: top + plotH + 6, color: axis)
        }
        canvas.line(left, top, left, top + plotH, axis)
        canvas.line(left, top + plotH, left + plotW, top + plotH, axis)
        canvas.text(xLabel, x: left + plotW / 2 - Canvas.textWidth(xLabel) / 2, y: height - 18, color: axis)
        canvas.text(yLabel, x: 8, y: 22, color: axis)
        canvas.text(title, x: left + plotW / 2 - Canvas.textWidth(title) / 2, y: 6, color: axis)

        var legendY = top + 8
        for s in series {
            let pts = s.points.filter { $0.y.isFinite }
            for (a, b) in zip(pts, pts.dropFirst()) { canvas.line(px(a.x), py(a.y), px(b.x), py(b.y), s.color, thick: true) }
            if pts.count == 1 { canvas.line(px(pts[0].x) - 2, py(pts[0].y), px(pts[0].x) + 2, py(pts[0].y), s.color, thick: true) }
            let lx = left + plotW - 150
            canvas.line(lx, legendY + 5, lx + 24, legendY + 5, s.color, thick: true)
            canvas.text(s.name, x: lx + 32, y: legendY, color: axis)
            legendY += 16
        }
        return Image(width: width, height: height, channels: 3, pixels: canvas.pixels)
    }

    /// Short tick text: integers (and anything from 100 up, rounded) plainly, others with 3
    /// significant digits.
    static func format(_ v: Double) -> String {
        if (v == v.rounded() || Swift.abs(v) >= 100) && Swift.abs(v) < 1e7 { return String(Int(v.rounded())) }
        return String(format: "%.3g", v).uppercased()
    }
}

/// An RGB pixel buffer with lines and text.
struct Canvas {
    let width: Int, height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 255, count: width * height * 3)
    }

    mutating func set(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 3
        pixels[i] = c.0; pixels[i + 1] = c.1; pixels[i + 2] = c.2
    }

    /// Bresenham line, optionally two pixels thick.
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ c: (UInt8, UInt8, UInt8), thick: Bool = false) {
        var (x, y) = (x0, y0)
        let dx = Swift.abs(x1 - x0), dy = -Swift.abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        while true {
            set(x, y, c)
            if thick { set(x, y + 1, c); set(x + 1, y, c) }
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    static let scale = 2
    static func textWidth(_ s: String) -> Int { s.count * 4 * scale }

    /// Draws `s` (upper-cased) with its top-left corner at (x, y), 3×5 glyphs scaled by 2.
    mutating func text(_ s: String, x: Int, y: Int, color: (UInt8, UInt8, UInt8)) {
        for (i, ch) in s.uppercased().enumerated() {
            guard let rows = Canvas.glyphs[ch] else { continue }
            for (r, bits) in rows.enumerated() {
                for col in 0..<3 where bits & (4 >> col) != 0 {
                    for dy in 0..<Canvas.scale {
                        for dx in 0..<Canvas.scale {
                            set(x + (i * 4 + col) * Canvas.scale + dx, y + r * Canvas.scale + dy, color)
                        }
                    }
                }
            }
        }
    }

    /// 3×5 glyphs: five rows of three bits, most significant bit leftmost.
    static let glyphs: [Character: [UInt8]] = [
        "0": [7, 5, 5, 5, 7], "1": [2, 6, 2, 2, 7], "2": [7, 1, 7, 4, 7], "3": [7, 1, 7, 1, 7], "4": [5, 5, 7, 1, 1],
        "5": [7, 4, 7, 1, 7], "6": [7, 4, 7, 5, 7], "7": [7, 1, 1, 1, 1], "8": [7, 5, 7, 5, 7], "9": [7, 5, 7, 1, 7],
        "A": [2, 5, 7, 5, 5], "B": [6, 5, 6, 5, 6], "C": [3, 4, 4, 4, 3], "D": [6, 5, 5, 5, 6], "E": [7, 4, 6, 4, 7],
        "F": [7, 4, 6, 4, 4], "G": [3, 4, 5, 5, 3], "H": [5, 5, 7, 5, 5], "I": [7, 2, 2, 2, 7], "J": [1, 1, 1, 5, 2],
        "K": [5, 5, 6, 5, 5], "L": [4, 4, 4, 4, 7], "M": [5, 7, 7, 5, 5], "N": [6, 5, 5, 5, 5], "O": [2, 5, 5, 5, 2],
        "P": [6, 5, 6, 4, 4], "Q": [2, 5, 5, 6, 3], "R": [6, 5, 6, 5, 5], "S": [3, 4, 2, 1, 6], "T": [7, 2, 2, 2, 2],
        "U": [5, 5, 5, 5, 7], "V": [5, 5, 5, 5, 2], "W": [5, 5, 7, 7, 5], "X": [5, 5, 2, 5, 5], "Y": [5, 5, 2, 2, 2],
        "Z": [7, 1, 2, 4, 7], ".": [0, 0, 0, 0, 2], "-": [0, 0, 7, 0, 0], ":": [0, 2, 0, 2, 0], "+": [0, 2, 7, 2, 0],
        "(": [2, 4, 4, 4, 2], ")": [2, 1, 1, 1, 2], "/": [1, 1, 2, 4, 4], "_": [0, 0, 0, 0, 7], ",": [0, 0, 0, 2, 4],
        "=": [0, 7, 0, 7, 0], " ": [0, 0, 0, 0, 0],
    ]
}
