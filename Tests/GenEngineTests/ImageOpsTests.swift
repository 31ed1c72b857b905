import Foundation
import XCTest

@testable import GenEngine

final class ImageOpsTests: XCTestCase {
    func testBilinearUpscaleUsesPixelCentres() {
        // Output x samples input (x + 0.5) / 2 − 0.5 = −0.25, 0.25, 0.75, 1.25 (clamped at the ends),
        // so a row 0, 80 becomes 0, 20, 60, 80; rows mix the same way.
        let image = Image(width: 2, height: 2, channels: 1, pixels: [0, 80, 160, 240], text: [PNGText("k", "v")])
        let big = image.resized(width: 4, height: 4)
        XCTAssertEqual(
            big.pixels,
            [
                0, 20, 60, 80,
                40, 60, 100, 120,
                120, 140, 180, 200,
                160, 180, 220, 240,
            ])
        XCTAssertEqual(big.text, image.text)
        XCTAssertEqual(image.resized(width: 2, height: 2).pixels, image.pixels)
    }

    func testAreaDownscaleAverages() {
        let image = Image(width: 4, height: 4, channels: 1, pixels: (0..<16).map { UInt8($0 * 10) })
        // (0 + 10 + 40 + 50) / 4 = 25, and so on.
        XCTAssertEqual(image.resized(width: 2, height: 2, filter: .area).pixels, [25, 45, 105, 125])
        // Three pixels to two: each output covers 1.5 inputs, (0 + ½·90) / 1.5 = 30, (½·90 + 180) / 1.5 = 150.
        let row = Image(width: 3, height: 1, channels: 2, pixels: [0, 255, 90, 255, 180, 255])
        XCTAssertEqual(row.resized(width: 2, height: 1, filter: .area).pixels, [30, 255, 150, 255])
    }

    func testChannelConversionAndCompositing() {
        let rgba = Image(width: 3, height: 1, channels: 4, pixels: [200, 100, 0, 128, 10, 20, 30, 255, 10, 20, 30, 0])
        // (200·128 + 255·127) / 255 = 227.4, (100·128 + 255·127) / 255 = 177.2, 255·127 / 255 = 127.
        XCTAssertEqual(rgba.converted(toChannels: 3).pixels, [227, 177, 127, 10, 20, 30, 255, 255, 255])
        XCTAssertEqual(rgba.converted(toChannels: 3, background: (0, 0, 0)).pixels, [100, 50, 0, 10, 20, 30, 0, 0, 0])
        // BT.601 luma: 0.299·255 = 76.2, 0.587·255 = 149.7, 0.114·255 = 29.1.
        let primaries = Image(width: 3, height: 1, channels: 3, pixels: [255, 0, 0, 0, 255, 0, 0, 0, 255])
        XCTAssertEqual(primaries.converted(toChannels: 1).pixels, [76, 150, 29])
        XCTAssertEqual(primaries.converted(toChannels: 2).pixels, [76, 255, 150, 255, 29, 255])
        let gray = Image(width: 2, height: 1, channels: 1, pixels: [7, 200])
        XCTAssertEqual(gray.converted(toChannels: 3).pixels, [7, 7, 7, 200, 200, 200])
        XCTAssertEqual(gray.converted(toChannels: 4).pixels, [7, 7, 7, 255, 200, 200, 200, 255])
        let grayAlpha = Image(width: 1, height: 1, channels: 2, pixels: [0, 51])
        XCTAssertEqual(grayAlpha.converted(toChannels: 1, background: (100, 100, 100)).pixels, [80])
    }

    func testCanvasClipsAndDraws() {
        var canvas = Canvas(width: 4, height: 3, background: (0, 0, 0))
        canvas.fill(x0: -5, y0: 2, x1: 2, y1: 9, (9, 8, 7))
        canvas.fill(x0: 3, y0: 0, x1: 3, y1: 3, (1, 1, 1))
        canvas.line(0, 0, 3, 0, (255, 0, 0))
        let image = canvas.image
        XCTAssertEqual(image.channels, 3)
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(image.pixels[((y * 4 + x) * 3)..<((y * 4 + x) * 3 + 3)]) }
        XCTAssertEqual((0..<4).map { pixel($0, 0) }, Array(repeating: [255, 0, 0], count: 4))
        XCTAssertEqual(pixel(1, 2), [9, 8, 7])
        XCTAssertEqual(pixel(2, 2), [0, 0, 0])
        XCTAssertEqual(pixel(3, 1), [0, 0, 0], "an empty rectangle draws nothing")
        XCTAssertEqual(Canvas.textWidth("ab1"), 24)
        var text = Canvas(width: 8, height: 5)
        text.text("1", x: 0, y: 0, color: (0, 0, 0), scale: 1)
        // "1" is rows 010 110 010 010 111.
        XCTAssertEqual(
            stride(from: 0, to: 5, by: 1).map { y in (0..<3).map { text.image.pixels[(y * 8 + $0) * 3] == 0 ? 1 : 0 } },
            [[0, 1, 0], [1, 1, 0], [0, 1, 0], [0, 1, 0], [1, 1, 1]])
    }
}
