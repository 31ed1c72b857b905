// Tiled maps (mapeditor.org; TMX format 1.10, `docs/reference/tmx-map-format.rst`, and its JSON
// form): one orthogonal tile layer with CSV data, an embedded tileset whose tiles carry the VGLC
// character and properties, and an object layer with the start, the goal and the enemies in
// pixels, so an engine's import step finds them without reading tiles.
import Foundation
import GenEngine

struct TiledMap {
    let level: Level
    let legend: Legend
    /// Tile size in pixels.
    let tileSize = 16

    init(_ level: Level, legend: Legend) {
        self.level = level
        self.legend = legend
    }

    /// The legend's tiles but the empty one, sorted: tile id i is global id i + 1 (`firstgid="1"`).
    var tiles: [Character] {
        let empty = legend.empty
        return legend.tiles.keys.filter { $0 != empty }.sorted()
    }

    /// Global tile ids by row; 0 (no tile) for the legend's empty tile. Checked: every id is in range.
    var gids: [[Int]] {
        let (index, empty) = (Dictionary(uniqueKeysWithValues: tiles.enumerated().map { ($1, $0 + 1) }), legend.empty)
        let ids = level.rows.map { $0.map { $0 == empty ? 0 : index[$0]! } }
        precondition(
            ids.count == level.height && ids.allSatisfy { $0.count == level.width && $0.allSatisfy { (0...tiles.count).contains($0) } })
        return ids
    }

    /// The start and goal (their tiles where the legend has them; from the side, else column 2 and
    /// the last column, each on its first solid tile from the top), then each enemy, key and door.
    var objects: [(name: String, x: Int, y: Int)] {
        var out: [(String, Int, Int)] = []
        var marked: [(String, Int, Int)] = []
        for (y, row) in level.rows.enumerated() {
            for (x, tile) in row.enumerated() {
                let properties = legend.tiles[tile] ?? []
                for name in ["start", "goal", "enemy", "key", "door"] where properties.contains(name) {
                    marked.append((name, x * tileSize, y * tileSize))
                }
            }
        }
        if !marked.contains(where: { $0.0 == "start" }) {
            let startRow = (0..<level.height).first { legend.solid.contains(level.rows[$0][min(2, level.width - 1)]) } ?? level.height
            out.append(("start", min(2, level.width - 1) * tileSize, (startRow - 1) * tileSize))
        }
        if !marked.contains(where: { $0.0 == "goal" }) {
            // The right edge, standing on its first solid tile from the top (the bottom row over a pit).
            let x = level.width - 1
            let row = (0..<level.height).first { legend.solid.contains(level.rows[$0][x]) } ?? level.height
            out.append(("goal", x * tileSize, max(0, row - 1) * tileSize))
        }
        let order = ["start": 0, "goal": 1, "enemy": 2, "key": 3, "door": 4]
        return out + marked.enumerated().sorted { (order[$0.element.0]!, $0.offset) < (order[$1.element.0]!, $1.offset) }.map(\.element)
    }

    func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;"
        )
        .replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The TMX document.
    var tmx: String {
        let objects = objects
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <map version="1.10" orientation="orthogonal" renderorder="right-down" width="\(level.width)" height="\(level.height)" \
            tilewidth="\(tileSize)" tileheight="\(tileSize)" infinite="0" nextlayerid="3" nextobjectid="\(objects.count + 1)">
             <tileset firstgid="1" name="vglc" tilewidth="\(tileSize)" tileheight="\(tileSize)" tilecount="\(tiles.count)" columns="0">

            """
        for (id, tile) in tiles.enumerated() {
            out += "  <tile id=\"\(id)\">\n   <properties>\n    <property name=\"char\" value=\"\(escape(String(tile)))\"/>\n"
            out +=
                "    <property name=\"kinds\" value=\"\(escape(legend.tiles[tile]!.joined(separator: ",")))\"/>\n   </properties>\n  </tile>\n"
        }
        out +=
            " </tileset>\n <layer id=\"1\" name=\"tiles\" width=\"\(level.width)\" height=\"\(level.height)\">\n  <data encoding=\"csv\">\n"
        out += gids.map { $0.map(String.init).joined(separator: ",") }.joined(separator: ",\n") + "\n  </data>\n </layer>\n"
        out += " <objectgroup id=\"2\" name=\"objects\">\n"
        for (i, o) in objects.enumerated() {
            out +=
                "  <object id=\"\(i + 1)\" name=\"\(o.name)\" type=\"\(o.name)\" x=\"\(o.x)\" y=\"\(o.y)\" width=\"\(tileSize)\" height=\"\(tileSize)\"/>\n"
        }
        return out + " </objectgroup>\n</map>\n"
    }

    /// The same map in Tiled's JSON format (`"type": "map"`).
    func tmj() throws -> Data {
        struct Property: Encodable { var name: String, type = "string", value: String }
        struct Tile: Encodable { var id: Int, properties: [Property] }
        struct Tileset: Encodable {
            var firstgid = 1, name = "vglc", tilewidth: Int, tileheight: Int, tilecount: Int, columns = 0, tiles: [Tile]
        }
        struct Object: Encodable { var id: Int, name: String, type: String, x: Int, y: Int, width: Int, height: Int, visible = true }
        struct Layer: Encodable {
            var type: String, id: Int, name: String, x = 0, y = 0, opacity = 1, visible = true
            var width: Int?, height: Int?, data: [Int]?, objects: [Object]?, draworder: String?
        }
        struct Map: Encodable {
            var type = "map", version = "1.10", orientation = "orthogonal", renderorder = "right-down", infinite = false
            var width: Int, height: Int, tilewidth: Int, tileheight: Int, nextlayerid = 3, nextobjectid: Int
            var tilesets: [Tileset], layers: [Layer]
        }
        let objects = objects.enumerated().map {
            Object(id: $0 + 1, name: $1.name, type: $1.name, x: $1.x, y: $1.y, width: tileSize, height: tileSize)
        }
        let tileset = Tileset(
            tilewidth: tileSize, tileheight: tileSize, tilecount: tiles.count,
            tiles: tiles.enumerated().map { id, tile in
                Tile(
                    id: id,
                    properties: [
                        Property(name: "char", value: String(tile)),
                        Property(name: "kinds", value: legend.tiles[tile]!.joined(separator: ",")),
                    ])
            })
        let map = Map(
            width: level.width, height: level.height, tilewidth: tileSize, tileheight: tileSize, nextobjectid: objects.count + 1,
            tilesets: [tileset],
            layers: [
                Layer(
                    type: "tilelayer", id: 1, name: "tiles", width: level.width, height: level.height, data: gids.flatMap { $0 },
                    objects: nil, draworder: nil),
                Layer(
                    type: "objectgroup", id: 2, name: "objects", width: nil, height: nil, data: nil, objects: objects, draworder: "topdown"),
            ])
        return try JSONOutput.encode(map)
    }
}
