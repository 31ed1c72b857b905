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

    /// One colour per tile kind, by the legend's properties: sky or floor, ground or wall,
    /// bricks, question blocks, pipes, cannons, enemies, coins and treasure, start, exit, doors
    /// and keys; other solid tiles gray.
    func preview(legend: Legend, scale: Int) -> Image {
        let kinds: [(String, (UInt8, UInt8, UInt8))] = [
            ("start", (60, 200, 60)), ("goal", (60, 120, 240)), ("door", (140, 80, 20)), ("key", (250, 220, 0)),
            ("cannon", (40, 40, 40)), ("pipe", (40, 170, 60)), ("enemy", (220, 30, 30)), ("question block", (240, 190, 40)),
            ("breakable", (200, 100, 40)), ("ground", (150, 75, 30)), ("wall", (70, 70, 80)), ("collectable", (255, 230, 80)),
            ("coin", (255, 230, 80)),
            ("floor", (225, 215, 190)),
        ]
        func colour(_ tile: Character) -> (UInt8, UInt8, UInt8) {
            let properties = legend.tiles[tile] ?? []
            if let kind = kinds.first(where: { properties.contains($0.0) }) { return kind.1 }
            return legend.solid.contains(tile) ? (120, 120, 120) : legend.view == .top ? (225, 215, 190) : (110, 160, 250)
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
