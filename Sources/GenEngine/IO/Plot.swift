import Foundation

/// Line charts drawn straight into an RGB `Image` (training curves), with labelled axes, tick
/// values and a legend in `Canvas`'s built-in 3×5 pixel font. No font files or plotting library needed.
public struct LinePlot {
    public struct Series {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var color: (UInt8, UInt8, UInt8)
        public init(name: String, points: [(x: Double, y: Double)], color: (UInt8, UInt8, UInt8)) {
            self.name = name
            self.points = points
            self.color = color
        }
    }

    public var title: String, xLabel: String, yLabel: String
    public var series: [Series]
    public var width = 720, height = 420

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    /// The chart as an 8-bit RGB image.
    public func render() -> Image {
        var canvas = Canvas(width: width, height: height)
        let (left, right, top, bottom) = (78, 20, 40, 48)
        let plotW = width - left - right
        let plotH = height - top - bottom
        let all = series.flatMap(\.points).filter { $0.y.isFinite }
        var (x0, x1) = (all.map(\.x).min() ?? 0, all.map(\.x).max() ?? 1)
        var (y0, y1) = (all.map(\.y).min() ?? 0, all.map(\.y).max() ?? 1)
        if x1 <= x0 { x1 = x0 + 1 }
        if y1 <= y0 {
            y0 -= 0.5
            y1 += 0.5
        }
        let pad = (y1 - y0) * 0.05
        y0 -= pad
        y1 += pad
        func px(_ x: Double) -> Int { left + Int((x - x0) / (x1 - x0) * Double(plotW)) }
        func py(_ y: Double) -> Int { top + plotH - Int((y - y0) / (y1 - y0) * Double(plotH)) }

        let axis: (UInt8, UInt8, UInt8) = (40, 40, 40)
        let grid: (UInt8, UInt8, UInt8) = (225, 225, 225)
        for i in 0...4 {
            let fy = y0 + (y1 - y0) * Double(i) / 4
            let fx = x0 + (x1 - x0) * Double(i) / 4
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
        return canvas.image
    }

    /// Short tick text: integers (and anything from 100 up, rounded) plainly, others with 3
    /// significant digits.
    static func format(_ v: Double) -> String {
        if (v == v.rounded() || Swift.abs(v) >= 100) && Swift.abs(v) < 1e7 { return String(Int(v.rounded())) }
        return String(format: "%.3g", v).uppercased()
    }
}
