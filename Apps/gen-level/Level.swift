// Tile levels: a grid of one-character tiles in rows, as the Video Game Level Corpus (VGLC) stores
// them (Summerville et al. 2016), with a legend that says what each tile is.
import Foundation
import GenEngine

/// A rectangular grid of tiles, row 0 at the top.
struct Level: Equatable {
    /// Rows of tiles, all the same width.
    var rows: [[Character]]

    var height: Int { rows.count }
    var width: Int { rows.first?.count ?? 0 }

    /// Column `x`, top to bottom, as a string (the unit the column Markov model learns).
    func column(_ x: Int) -> String { String(rows.map { $0[x] }) }

    /// A level from columns (each one tile per row, top to bottom).
    init(columns: [String]) {
        let height = columns.first?.count ?? 0
        let grid = columns.map(Array.init)
        rows = (0..<height).map { y in grid.map { $0[y] } }
    }

    init(rows: [[Character]]) { self.rows = rows }

    /// The cells beside cell `i` of a `width` × `height` grid, row-major (`y * width + x`):
    /// right, left, below, above, those inside the grid.
    static func neighbours(of i: Int, width: Int, height: Int) -> [Int] {
        let (x, y) = (i % width, i / width)
        return [(x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)].filter { $0.0 >= 0 && $0.0 < width && $0.1 >= 0 && $0.1 < height }
            .map { $0.1 * width + $0.0 }
    }

    /// The VGLC text: one line per row.
    var text: String { rows.map { String($0) + "\n" }.joined() }

    /// Reads VGLC text. Throws `LevelError` naming the file and line for ragged rows, tiles the
    /// legend does not know, an empty file or a level over `maxTiles` tiles.
    static func read(_ text: String, source: String, legend: Legend) throws -> Level {
        var rows: [[Character]] = []
        // Lines end in LF, CR LF or CR; a byte-order mark is dropped (`normalisingNewlines`).
        for (number, line) in UTF8Text.normalisingNewlines(text).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let row = Array(line)
            if row.isEmpty { continue }
            if let width = rows.first?.count, row.count != width {
                throw LevelError(source: source, line: number + 1, message: "the row has \(row.count) tiles, the first row \(width)")
            }
            if let column = row.firstIndex(where: { legend.tiles[$0] == nil }) {
                let unknown = row[column]
                // A space, tab or other invisible character is named by its code point.
                let shown =
                    unknown.unicodeScalars.allSatisfy({ $0.properties.isWhitespace || $0.properties.generalCategory == .format })
                    ? unknown.unicodeScalars.map { String(format: "U+%04X", $0.value) }.joined(separator: " ") : "'\(unknown)'"
                throw LevelError(
                    source: source, line: number + 1,
                    message: "tile \(shown) at column \(column + 1) is not in the legend (it knows \(String(legend.tiles.keys.sorted())))")
            }
            rows.append(row)
            guard rows.count * row.count <= Level.maxTiles else {
                throw LevelError(source: source, line: number + 1, message: "the level is over \(Level.maxTiles) tiles")
            }
        }
        guard !rows.isEmpty else { throw LevelError(source: source, line: 1, message: "no tiles") }
        return Level(rows: rows)
    }

    /// Reads the VGLC text file at `path`; throws as `read` and `IOFailure`.
    static func read(contentsOf path: String, legend: Legend) throws -> Level {
        try read(String(decoding: try AtomicFile.read(URL(fileURLWithPath: path)), as: UTF8.self), source: path, legend: legend)
    }

    /// Largest level read or written (tiles): a bound on memory for any input.
    static let maxTiles = 4_000_000
}

/// A level file that cannot be used: exit code 65.
struct LevelError: UserFacingError {
    let source: String, line: Int, message: String
    var description: String { "\(source), line \(line): \(message)" }
    var exitCode: ExitCode { .dataError }
}

/// What each tile is, as the VGLC's JSON legends say it (`{"tiles": {"X": ["solid", "ground"]}}`),
/// and how the game is seen: from the side (a platformer, played by `PlatformerAgent`) or from
/// above (a dungeon, played by `KeyDoorSearch`), GenSuite's `"view": "side" | "top"` beside
/// `"tiles"` (default side).
struct Legend: Equatable {
    enum View: String { case side, top }
    var tiles: [Character: [String]]
    var view = View.side

    /// Tiles the player stands on and cannot enter.
    var solid: Set<Character> { tiles(with: "solid") }
    /// Enemies and other hazards.
    var enemies: Set<Character> { tiles(with: "enemy") }
    /// The tile that stands for nothing (Tiled's gid 0), if the legend has one ("empty").
    var empty: Character? { tiles.keys.sorted().first { tiles[$0]!.contains("empty") } }

    /// The tiles whose properties include `property`.
    func tiles(with property: String) -> Set<Character> { Set(tiles.filter { $0.value.contains(property) }.keys) }

    /// Reads a legend. Throws `LevelError` naming the problem.
    static func read(_ data: Data, source: String) throws -> Legend {
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let tiles = json["tiles"] as? [String: Any] else {
            throw LevelError(source: source, line: 1, message: "not a legend: a JSON object with \"tiles\" {\"X\": [\"solid\", …]}")
        }
        var out: [Character: [String]] = [:]
        for (key, value) in tiles {
            guard key.count == 1, let properties = value as? [String] else {
                throw LevelError(source: source, line: 1, message: "legend entry '\(key)' must be one character with a list of properties")
            }
            guard !key.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) else {
                throw LevelError(source: source, line: 1, message: "a tile cannot be a line break")
            }
            out[key.first!] = properties
        }
        guard !out.isEmpty else { throw LevelError(source: source, line: 1, message: "the legend has no tiles") }
        var view = View.side
        if let name = json["view"] {
            guard let text = name as? String, let v = View(rawValue: text) else {
                throw LevelError(source: source, line: 1, message: "\"view\" must be \"side\" (a platformer) or \"top\" (a dungeon)")
            }
            view = v
        }
        let legend = Legend(tiles: out, view: view)
        if view == .top {
            for needed in ["start", "goal"] where legend.tiles(with: needed).count != 1 {
                throw LevelError(source: source, line: 1, message: "a top-view legend needs exactly one \"\(needed)\" tile")
            }
        }
        return legend
    }

    /// Reads the legend file at `path`; throws as `read` and `IOFailure`.
    static func read(contentsOf path: String) throws -> Legend {
        try read(try AtomicFile.read(URL(fileURLWithPath: path)), source: path)
    }

    /// The VGLC's Super Mario Bros legend (`smb.json`).
    static let smb = Legend(tiles: [
        "X": ["solid", "ground"], "S": ["solid", "breakable"], "-": ["passable", "empty"],
        "?": ["solid", "question block", "full question block"], "Q": ["solid", "question block", "empty question block"],
        "E": ["enemy", "damaging", "hazard", "moving"], "<": ["solid", "top-left pipe", "pipe"], ">": ["solid", "top-right pipe", "pipe"],
        "[": ["solid", "left pipe", "pipe"], "]": ["solid", "right pipe", "pipe"], "o": ["coin", "collectable", "passable"],
        "B": ["Cannon top", "cannon", "solid", "hazard"], "b": ["Cannon bottom", "cannon", "solid"],
    ])

    /// The top-down dungeon of `--game dungeon` (GenSuite's; the VGLC's Zelda legend marks walls
    /// `W` and doors `D` alike): walls, floor, the start and the exit, and doors each opened by
    /// the key of the same letter in lower case.
    static let dungeon = Legend(
        tiles: [
            "#": ["solid", "wall"], ".": ["passable", "floor"], "@": ["passable", "start"], ">": ["passable", "goal", "exit"],
            "A": ["door", "locked"], "B": ["door", "locked"], "C": ["door", "locked"],
            "a": ["key", "collectable", "passable"], "b": ["key", "collectable", "passable"], "c": ["key", "collectable", "passable"],
            "E": ["enemy", "hazard", "passable"], "$": ["treasure", "collectable", "passable"],
        ], view: .top)
}
