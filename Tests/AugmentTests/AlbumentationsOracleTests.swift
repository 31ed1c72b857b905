import Foundation
import GenEngine
import ToolTesting
import XCTest

@testable import augment

/// Our ops against albumentations 2 and OpenCV on the same image with the same parameters, when
/// they are installed (pip install albumentations): every sample within one level (OpenCV's
/// fixed-point rounding).
final class AlbumentationsOracleTests: XCTestCase {
    func testOpsMatchAlbumentations() throws {
        guard pythonHas(["albumentations", "cv2"]) else { throw XCTSkip("albumentations and OpenCV are not installed") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = RNG(seed: 3)
        var image = Image(width: 61, height: 47, channels: 3, pixels: (0..<(61 * 47 * 3)).map { _ in UInt8(rng.int(below: 256)) })
        image = GaussianFilter.blur(image, sigma: 1.2)
        try PNG.write(image, to: dir.appendingPathComponent("in.png"))
        let cases: [(spec: String, python: String)] = [
            ("hflip:p=1", "A.HorizontalFlip(p=1)"),
            ("vflip:p=1", "A.VerticalFlip(p=1)"),
            ("rotate:limit=30..30,border=reflect,p=1", "A.Rotate(limit=(30, 30), border_mode=cv2.BORDER_REFLECT_101, p=1)"),
            (
                "rotate:limit=-17..-17,border=constant,fill=9,p=1",
                "A.Rotate(limit=(-17, -17), border_mode=cv2.BORDER_CONSTANT, fill=9, p=1)"
            ),
            ("affine:shear=7..7,rotate=10..10,scale=1.1..1.1,p=1", "A.Affine(shear=(7, 7), rotate=(10, 10), scale=(1.1, 1.1), p=1)"),
            (
                "affine:shear=-7..-7,rotate=-25..-25,scale=0.9..0.9,translate=0.1..0.1,p=1",
                "A.Affine(shear=(-7, -7), rotate=(-25, -25), scale=(0.9, 0.9), translate_percent=(0.1, 0.1), p=1)"
            ),
            ("resize:size=40x90", "A.Resize(90, 40, p=1)"),
            ("centercrop:size=31x20", "A.CenterCrop(20, 31, p=1)"),
            ("grayscale:p=1", "A.ToGray(p=1)"),
            ("blur:sigma=1.5..1.5,p=1", "A.GaussianBlur(sigma_limit=(1.5, 1.5), blur_limit=(11, 11), p=1)"),
            ("brightnesscontrast:brightness=0.1..0.1,contrast=0.2..0.2,p=1", "A.RandomBrightnessContrast((0.1, 0.1), (0.2, 0.2), p=1)"),
        ]
        let script = """
            import albumentations as A, cv2, numpy as np, sys
            from PIL import Image
            img = np.array(Image.open(sys.argv[1]))
            for i, call in enumerate(sys.argv[2:]):
                Image.fromarray(eval(call)(image=img)["image"]).save(f"{sys.argv[1]}.{i}.png")
            """
        let run = try runProcess(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", "-c", script, dir.appendingPathComponent("in.png").path] + cases.map(\.python))
        XCTAssertEqual(run.status, 0, run.err)
        for (i, c) in cases.enumerated() {
            let reference = try PNG.read(dir.appendingPathComponent("in.png.\(i).png"))
            var sample = Sample(image: image)
            var r = RNG(seed: 0)
            _ = try Pipeline.parse(c.spec).run(&sample, rng: &r, context: OpContext())
            XCTAssertEqual([sample.image.width, sample.image.height], [reference.width, reference.height], c.spec)
            guard sample.image.pixels.count == reference.pixels.count else { continue }
            let worst = zip(sample.image.pixels, reference.pixels).map { abs(Int($0) - Int($1)) }.max()!
            XCTAssertLessThanOrEqual(worst, 1, c.spec)
        }
    }
}
