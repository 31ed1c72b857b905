import GenEngine
import XCTest

@testable import augment

/// Each image op against pixels and boxes computed by hand.
final class ImageOpTests: XCTestCase {
    /// A 3×2 RGB image whose samples are 0, 1, 2, … in memory order.
    let image = Image(width: 3, height: 2, channels: 3, pixels: (0..<18).map(UInt8.init))

    func run(_ spec: String, _ sample: Sample, seed: UInt64 = 1) throws -> (Sample, [ManifestValue]) {
        var s = sample
        var rng = RNG(seed: seed)
        let ops = try Pipeline.parse(spec).run(&s, rng: &rng, context: OpContext())
        return (s, ops)
    }

    func pixel(_ im: Image, _ x: Int, _ y: Int) -> [UInt8] { Array(im.pixels[((y * im.width + x) * im.channels)...].prefix(im.channels)) }

    func testHorizontalFlipOf3x2() throws {
        let (s, ops) = try run("hflip:p=1", Sample(image: image))
        XCTAssertEqual(s.image.pixels, [6, 7, 8, 3, 4, 5, 0, 1, 2, 15, 16, 17, 12, 13, 14, 9, 10, 11])
        XCTAssertEqual(ops, [.object([.init("op", .string("hflip"))])])
        let (twice, _) = try run("hflip:p=1; hflip:p=1", Sample(image: image))
        XCTAssertEqual(twice.image, image)
    }

    func testVerticalFlipOf3x2() throws {
        let (s, _) = try run("vflip:p=1", Sample(image: image))
        XCTAssertEqual(s.image.pixels, Array(9..<18).map(UInt8.init) + Array(0..<9).map(UInt8.init))
    }

    /// A quarter turn counter-clockwise as `np.rot90`: the 3×2 image [[a b c] [d e f]] becomes
    /// the 2×3 image [[c f] [b e] [a d]]; a box on the right edge moves to the top edge.
    func testRotate90() throws {
        let gray = Image(width: 3, height: 2, channels: 1, pixels: [1, 2, 3, 4, 5, 6])
        let sample = Sample(image: gray, boxes: [Box(x1: 2, y1: 0, x2: 3, y2: 2, label: "0")])
        var found = false
        for seed in 0..<32 {
            let (s, ops) = try run("rot90:p=1", sample, seed: UInt64(seed))
            guard case .object(let fields) = ops[0], fields[1].value == .int(1) else { continue }
            XCTAssertEqual([s.image.width, s.image.height], [2, 3])
            XCTAssertEqual(s.image.pixels, [3, 6, 2, 5, 1, 4])
            XCTAssertEqual(s.boxes, [Box(x1: 0, y1: 0, x2: 2, y2: 1, label: "0")])
            found = true
            break
        }
        XCTAssertTrue(found, "no seed drew k = 1")
    }

    /// A centre crop of 2×2 from 4×4 takes pixels (1…2, 1…2); a box across the crop's edge is
    /// clipped, one outside it dropped.
    func testCentreCropPixelsAndBoxes() throws {
        let im = Image(width: 4, height: 4, channels: 1, pixels: (0..<16).map(UInt8.init))
        let boxes = [Box(x1: 0, y1: 0, x2: 2, y2: 2, label: "a"), Box(x1: 3.5, y1: 3.5, x2: 4, y2: 4, label: "b")]
        let (s, ops) = try run("centercrop:size=2", Sample(image: im, boxes: boxes))
        XCTAssertEqual(s.image.pixels, [5, 6, 9, 10])
        XCTAssertEqual(s.boxes, [Box(x1: 0, y1: 0, x2: 1, y2: 1, label: "a")])
        XCTAssertEqual(ops[0], .object([.init("op", .string("centercrop")), .init("box", .array([1, 1, 2, 2].map { .int($0) }))]))
    }

    /// Brightness ×1.5 exactly (a range of one value): each sample scaled and rounded, clamped.
    func testBrightnessTable() throws {
        let im = Image(width: 2, height: 1, channels: 3, pixels: [10, 100, 200, 0, 1, 255])
        let (s, _) = try run("jitter:brightness=0.5..0.5,p=1", Sample(image: im))
        XCTAssertEqual(s.image.pixels, [15, 150, 255, 0, 2, 255])
    }

    func testGrayscaleUsesBT601() throws {
        let im = Image(width: 1, height: 1, channels: 3, pixels: [255, 0, 0])
        let (s, _) = try run("grayscale:p=1", Sample(image: im))
        XCTAssertEqual(s.image.pixels, [76, 76, 76])
    }

    /// A rotation of 90° about the centre by the general (interpolating) path equals the exact
    /// quarter turn on a square image.
    func testRotateMatchesExactQuarterTurn() throws {
        let im = Image(width: 4, height: 4, channels: 1, pixels: (0..<16).map { UInt8($0 * 10) })
        let (s, _) = try run("rotate:limit=90..90,p=1", Sample(image: im))
        XCTAssertEqual(s.image.pixels, [30, 70, 110, 150, 20, 60, 100, 140, 10, 50, 90, 130, 0, 40, 80, 120])
    }

    func testCutoutFillsItsRecordedRectangle() throws {
        let im = Image(width: 8, height: 8, channels: 1, pixels: [UInt8](repeating: 200, count: 64))
        let (s, ops) = try run("cutout:holes=1,size=3,fill=7,p=1", Sample(image: im))
        guard case .object(let fields) = ops[0], case .array(let holes) = fields[1].value, case .array(let r) = holes[0] else {
            return XCTFail("no hole recorded")
        }
        let rect = r.map { v -> Int in if case .int(let i) = v { return i } else { return -1 } }
        for y in 0..<8 {
            for x in 0..<8 {
                let inside = x >= rect[0] && x < rect[0] + rect[2] && y >= rect[1] && y < rect[1] + rect[3]
                XCTAssertEqual(s.image.pixels[y * 8 + x], inside ? 7 : 200)
            }
        }
    }

    /// Every geometric op moves a box as it moves the pixels: draw the box as a white square on
    /// black, transform both, and the moved box is the tight box of the moved square (IoU ≥ 0.8,
    /// the bilinear edge blurs a pixel).
    func testBoxesFollowTheirPixels() throws {
        var im = Image(width: 64, height: 48, channels: 1, pixels: [UInt8](repeating: 0, count: 64 * 48))
        for y in 12..<30 { for x in 20..<44 { im.pixels[y * 64 + x] = 255 } }
        let box = Box(x1: 20, y1: 12, x2: 44, y2: 30, label: "0")
        for spec in [
            "hflip:p=1", "vflip:p=1", "rot90:p=1", "rotate:limit=25,p=1", "affine:scale=0.8-1.2,translate=0.1,rotate=20,shear=10,p=1",
            "ssr:p=1", "crop:scale=0.5-1,size=40x30", "randomcrop:size=50x40", "resize:size=32x32", "elastic:alpha=20,sigma=5,p=1",
        ] {
            for seed in 0..<4 {
                let (s, _) = try run(spec, Sample(image: im, boxes: [box]), seed: UInt64(seed))
                var (x1, y1, x2, y2) = (Int.max, Int.max, -1, -1)
                for y in 0..<s.image.height {
                    for x in 0..<s.image.width where s.image.pixels[y * s.image.width + x] > 127 {
                        (x1, y1, x2, y2) = (min(x1, x), min(y1, y), max(x2, x + 1), max(y2, y + 1))
                    }
                }
                guard let moved = s.boxes.first else {
                    XCTAssertEqual(x2, -1, "\(spec) seed \(seed): box dropped but the square is visible")
                    continue
                }
                let ix = max(0, min(moved.x2, Double(x2)) - max(moved.x1, Double(x1)))
                let iy = max(0, min(moved.y2, Double(y2)) - max(moved.y1, Double(y1)))
                let union = moved.area + Double((x2 - x1) * (y2 - y1)) - ix * iy
                let tolerance = spec.hasPrefix("rotate") || spec.hasPrefix("affine") || spec.hasPrefix("ssr") ? 0.6 : 0.8
                XCTAssertGreaterThan(ix * iy / union, tolerance, "\(spec) seed \(seed): box \(moved) vs pixels \((x1, y1, x2, y2))")
            }
        }
    }

    /// Pixel-level ops leave boxes bit-identical.
    func testPixelOpsKeepBoxes() throws {
        let im = Image(width: 16, height: 16, channels: 3, pixels: (0..<768).map { UInt8($0 % 251) })
        let boxes = [Box(x1: 1.25, y1: 2, x2: 9, y2: 15.5, label: "7")]
        let (s, _) = try run(
            "jitter:brightness=0.3,contrast=0.3,saturation=0.3,hue=0.1,p=1; brightnesscontrast:p=1; grayscale:p=1; noise:p=1; blur:p=1; cutout:p=1",
            Sample(image: im, boxes: boxes))
        XCTAssertEqual(s.boxes, boxes)
        XCTAssertNotEqual(s.image, im)
    }

    func testBoxRulesDropByVisibility() {
        let rules = BoxRules(minVisibility: 0.5, minArea: 0)
        XCTAssertNil(rules.kept(Box(x1: -8, y1: 0, x2: 2, y2: 10, label: "a"), width: 10, height: 10))
        XCTAssertEqual(
            rules.kept(Box(x1: -2, y1: 0, x2: 8, y2: 10, label: "a"), width: 10, height: 10), Box(x1: 0, y1: 0, x2: 8, y2: 10, label: "a"))
    }

    func testYOLOReadWriteAndBadLines() throws {
        let boxes = try YOLOLabels.read("3 0.5 0.5 0.25 0.5\n\n", path: "a.txt", width: 80, height: 40)
        XCTAssertEqual(boxes, [Box(x1: 30, y1: 10, x2: 50, y2: 30, label: "3")])
        // Windows line ends, trailing blanks, and a value a rounding step past 1 (clipped).
        let crlf = try YOLOLabels.read("3 0.5 0.5 0.25 0.5 \r\n1 0.9 0.5 0.2000001 1.0000001\r\n", path: "w.txt", width: 80, height: 40)
        XCTAssertEqual(crlf.count, 2)
        XCTAssertEqual(crlf[1].y2, 40)
        XCTAssertEqual(YOLOLabels.write(boxes, width: 80, height: 40), "3 0.500000 0.500000 0.250000 0.500000\n")
        for (text, message) in [
            ("1 0.5 0.5 0.2", "5 fields"), ("1 0.5 0.5 0 0.3", "zero area"), ("1 0.9 0.5 0.4 0.3", "outside the image"),
            ("1 a 0.5 0.2 0.2", "not a number"),
        ] {
            XCTAssertThrowsError(try YOLOLabels.read("0 0.5 0.5 0.1 0.1\n" + text, path: "x.txt", width: 10, height: 10)) { error in
                XCTAssertTrue("\(error)".contains("x.txt: line 2"), "\(error)")
                XCTAssertTrue("\(error)".contains(message), "\(error)")
            }
        }
    }
}
