// Level files out: VGLC text (default), JSON, Tiled's TMX and JSON maps, CSV of tile ids, and a
// PNG preview.
import Foundation
import GenEngine

/// The output formats of `gen-level --format`.
enum LevelFormat: String, CaseIterable { case txt, json, tmx, tmj, csv, png }

extension Level {
    /// The bytes of this level in `format`. JSON: `{"width", "height", "rows": [...], "legend":
    /// {tile: properties}}`; TMX and TMJ: a Tiled map (see `tiledMap`); CSV: one line per row of
    /// Tiled tile ids (`TiledMap.gids`); PNG: one colour per tile, `scale` pixels a side.
    func encoded(_ format: LevelFormat, legend: Legend, scale: Int = 8) throws -> Data {
        switch format {
        case .txt:
            return Data(text.utf8)
        case .json:
            struct File: Encodable {
                var width: Int, height: Int, rows: [String], legend: [String: [String]]
            }
            let used = Set(rows.joined())
            let file = File(
                width: width, height: height, rows: rows.map { String($0) },
                legend: Dictionary(uniqueKeysWithValues: legend.tiles.filter { used.contains($0.key) }.map { (String($0.key), $0.value) }))
            return try JSONOutput.encode(file)
        case .tmx:
            return Data(TiledMap(self, legend: legend).tmx.utf8)
        case .tmj:
            return try TiledMap(self, legend: legend).tmj()
        case .csv:
            let gids = TiledMap(self, legend: legend).gids
            return Data(gids.map { $0.map(String.init).joined(separator: ",") + "\n" }.joined().utf8)
        case .png:
            return try PNG.encode(preview(legend: legend, scale: scale))
        }
    }

    /// One colour per tile kind: sky, ground, bricks, question blocks, pipes, enemies, coins, cannons.
    func preview(legend: Legend, scale: Int) -> Image {
        func colour(_ tile: Character) -> (UInt8, UInt8, UInt8) {
            switch tile {
            case "X": return (150, 75, 30)
            case "S": return (200, 100, 40)
            case "?", "Q": return (240, 190, 40)
            case "<", ">", "[", "]": return (40, 170, 60)
            case "E": return (220, 30, 30)
            case "o": return (255, 230, 80)
            case "B", "b": return (40, 40, 40)
            default: return legend.solid.contains(tile) ? (120, 120, 120) : (110, 160, 250)
            }
        }
        var pixels = [UInt8](repeating: 0, count: width * scale * height * scale * 3)
        for y in 0..<(height * scale) {
            for x in 0..<(width * scale) {
                let (r, g, b) = colour(rows[y / scale][x / scale])
                let i = (y * width * scale + x) * 3
                (pixels[i], pixels[i + 1], pixels[i + 2]) = (r, g, b)
            }
        }
        return Image(width: width * scale, height: height * scale, channels: 3, pixels: pixels)
    }
}
