import Foundation
import XCTest

@testable import GenEngine

final class PNGTests: XCTestCase {
    func testRoundTripEveryColourTypeWithText() throws {
        for channels in 1...4 {
            let pixels = (0..<(5 * 3 * channels)).map { UInt8(($0 * 37 + channels) % 256) }
            let image = Image(
                width: 5, height: 3, channels: channels, pixels: pixels,
                text: [PNGText("Software", "GenSuite"), PNGText("seed", "42")])
            for level in [0, 9] {
                let back = try PNG.decode(PNG.encode(image, compression: level))
                XCTAssertEqual(back, image, "channels \(channels), level \(level)")
            }
        }
    }

    func testDecodesPalette16BitGrayAlphaAndInterlacedFiles() throws {
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: fixture("png_expected.json"))) as! [String: [String: Any]]
        XCTAssertEqual(expected.count, 6)
        for (name, e) in expected {
            let image = try PNG.read(fixture(name))
            XCTAssertEqual(image.width, e["width"] as? Int, name)
            XCTAssertEqual(image.height, e["height"] as? Int, name)
            XCTAssertEqual(image.channels, e["channels"] as? Int, name)
            XCTAssertEqual(image.pixels, (e["pixels"] as! [Int]).map(UInt8.init), name)
        }
    }

    func testCorruptFilesThrowLibpngErrors() throws {
        let good = try PNG.encode(Image(width: 8, height: 8, channels: 3, pixels: [UInt8](repeating: 100, count: 192)))
        XCTAssertThrowsError(try PNG.decode(Data("not a png at all".utf8))) { XCTAssertTrue("\($0)".contains("signature")) }
        XCTAssertThrowsError(try PNG.decode(Data())) { XCTAssertTrue("\($0)".contains("the file is empty"), "\($0)") }
        for cut in [9, 20, 40, good.count - 13] {
            XCTAssertThrowsError(try PNG.decode(good.prefix(cut)), "truncated at \(cut)")
        }
        var flipped = good
        flipped[40] ^= 0xFF  // inside IDAT: CRC mismatch
        XCTAssertThrowsError(try PNG.decode(flipped)) { XCTAssertFalse("\($0)".isEmpty) }
        // A header that claims an enormous image is refused before allocating it.
        XCTAssertThrowsError(try PNG.decode(good, maxPixels: 10)) { XCTAssertTrue("\($0)".contains("exceeds")) }
    }

    func testTensorConversionAndGrid() throws {
        let t = Tensor([0, 0.5, 1, 2, -1, 0.25], shape: [1, 2, 3])
        let image = Image(tensor: t)
        XCTAssertEqual(image.pixels, [0, 128, 255, 255, 0, 64])
        assertClose(image.tensor().scalars, [0, 128 / 255, 1, 1, 0, 64 / 255])
        let grid = Image.grid(Tensor.ones([5, 1, 4, 4]), columns: 3, padding: 1)
        XCTAssertEqual(grid.width, 3 * 5 + 1)
        XCTAssertEqual(grid.height, 2 * 5 + 1)
        XCTAssertEqual(grid.pixels[0], 0)
        XCTAssertEqual(grid.pixels[grid.width + 1], 255)
    }

    func testWriteIsAtomicAndReadable() throws {
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("x.png")
        try PNG.write(Image(width: 2, height: 2, channels: 1, pixels: [1, 2, 3, 4]), to: url)
        XCTAssertEqual(try PNG.read(url).pixels, [1, 2, 3, 4])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["x.png"])
        XCTAssertThrowsError(
            try PNG.write(
                Image(width: 1, height: 1, channels: 1, pixels: [0]),
                to: dir.appendingPathComponent("x.png/below.png")))  // a file where a folder would be
    }

    /// ASCII text goes in tEXt; anything else in iTXt as UTF-8 (tEXt holds only Latin-1);
    /// Latin-1 keys survive; both read back as written.
    func testTextChunksKeepNonLatinText() throws {
        let text = [PNGText("model", "/data/models"), PNGText("Größe", "Données 한국 😀")]
        let data = try PNG.encode(Image(width: 1, height: 1, channels: 1, pixels: [7], text: text))
        let bytes = [UInt8](data)
        func has(_ chunk: String) -> Bool {
            let id = Array(chunk.utf8)
            return (0..<(bytes.count - 4)).contains { Array(bytes[$0..<($0 + 4)]) == id }
        }
        XCTAssertTrue(has("tEXt"))
        XCTAssertTrue(has("iTXt"))
        XCTAssertEqual(try PNG.decode(data).text, text)
    }

    /// An image over the pixel limit is refused from its header, before any pixel is decoded.
    func testImagesOverThePixelLimitAreRefused() throws {
        let data = try PNG.encode(Image(width: 100, height: 60, channels: 1, pixels: [UInt8](repeating: 0, count: 6000)))
        XCTAssertThrowsError(try PNG.decode(data, maxPixels: 5999)) {
            XCTAssertTrue("\($0)".contains("image of 100x60 pixels exceeds the limit of 5999"), "\($0)")
        }
        XCTAssertEqual(try PNG.decode(data, maxPixels: 6000).width, 100)
        XCTAssertEqual(PNG.defaultMaxPixels, 4096 * 4096)
    }
}
