/// An RGB pixel buffer to draw on: points, filled rectangles, lines and text in a built-in 3×5
/// pixel font (no font files). Coordinates are pixels, (0, 0) the top-left corner, y down;
/// anything outside the canvas is clipped. Colours are `(red, green, blue)`, 0…255.
/// Used by `LinePlot` (training curves) and gen-music's piano roll.
public struct Canvas {
    /// Size in pixels.
    public let width: Int, height: Int
    /// `[height, width, 3]` RGB samples, row-major.
    public var pixels: [UInt8]

    /// A canvas filled with `background` (white by default).
    public init(width: Int, height: Int, background: (UInt8, UInt8, UInt8) = (255, 255, 255)) {
        precondition(width > 0 && height > 0, "Canvas: \(width)x\(height) needs positive sizes")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 255, count: width * height * 3)
        if background != (255, 255, 255) { fill(x0: 0, y0: 0, x1: width, y1: height, background) }
    }

    /// The drawing as an 8-bit RGB image.
    public var image: Image { Image(width: width, height: height, channels: 3, pixels: pixels) }

    /// Colours pixel (x, y), if it lies on the canvas.
    public mutating func set(_ x: Int, _ y: Int, _ color: (UInt8, UInt8, UInt8)) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 3
        pixels[i] = color.0
        pixels[i + 1] = color.1
        pixels[i + 2] = color.2
    }

    /// Fills the rectangle `x0 ..< x1` × `y0 ..< y1` (end exclusive; empty when x1 ≤ x0 or y1 ≤ y0).
    public mutating func fill(x0: Int, y0: Int, x1: Int, y1: Int, _ color: (UInt8, UInt8, UInt8)) {
        let (left, right) = (Swift.max(0, x0), Swift.min(width, x1))
        let (top, bottom) = (Swift.max(0, y0), Swift.min(height, y1))
        guard left < right, top < bottom else { return }
        for y in top..<bottom {
            for x in left..<right {
                let i = (y * width + x) * 3
                pixels[i] = color.0
                pixels[i + 1] = color.1
                pixels[i + 2] = color.2
            }
        }
    }

    /// A line from (x0, y0) to (x1, y1), both ends included (Bresenham, 1965: integer steps, no
    /// anti-aliasing); `thick` also colours the pixel below and the pixel right of each point.
    public mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ color: (UInt8, UInt8, UInt8), thick: Bool = false) {
        var (x, y) = (x0, y0)
        let dx = Swift.abs(x1 - x0)
        let dy = -Swift.abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1
        let sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        while true {
            set(x, y, color)
            if thick {
                set(x, y + 1, color)
                set(x + 1, y, color)
            }
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= dy {
                err += dy
                x += sx
            }
            if e2 <= dx {
                err += dx
                y += sy
            }
        }
    }

    /// Width in pixels of `s` drawn by `text` at `scale`: 4 font pixels (3 + 1 space) per character.
    public static func textWidth(_ s: String, scale: Int = 2) -> Int { s.count * 4 * scale }

    /// Draws `s` upper-cased with its top-left corner at (x, y), each font pixel a `scale × scale`
    /// block. The font has digits, A–Z, space and `. - : + ( ) / _ , =`; other characters are left
    /// blank but keep their width.
    public mutating func text(_ s: String, x: Int, y: Int, color: (UInt8, UInt8, UInt8), scale: Int = 2) {
        for (i, ch) in s.uppercased().enumerated() {
            guard let rows = Canvas.glyphs[ch] else { continue }
            for (r, bits) in rows.enumerated() {
                for col in 0..<3 where bits & (4 >> col) != 0 {
                    for dy in 0..<scale {
                        for dx in 0..<scale { set(x + (i * 4 + col) * scale + dx, y + r * scale + dy, color) }
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
