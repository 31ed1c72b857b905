// The count part of the constraint-and-repair layer: a `--require` tile count that a drawn level
// misses is mended where that cannot change how the level plays. A missing tile that is neither
// solid nor one the agents read (start, goal, door, key) is placed on empty cells: from the side,
// an empty cell with a solid one below (where an enemy or a coin stands); from above, a floor
// cell. An extra one is replaced by the empty tile (or floor). Rules on other tiles are left to
// drawing again.
import GenEngine

extension TileRule {
    /// `level` with this rule mended if it can be (cells drawn from `rng`), else unchanged.
    func repair(_ level: Level, legend: Legend, rng: inout RNG) -> Level {
        let properties = Set(legend.tiles[tile] ?? [])
        guard properties.isDisjoint(with: ["solid", "start", "goal", "door", "key"]),
            let empty = legend.empty ?? legend.tiles(with: "floor").sorted().first
        else { return level }
        var rows = level.rows
        let cells = rows.indices.flatMap { y in rows[y].indices.map { (x: $0, y: y) } }
        let have = cells.filter { rows[$0.y][$0.x] == tile }
        if have.count < count && relation != "<=" {
            let solid = legend.solid
            var spots = cells.filter { c in
                rows[c.y][c.x] == empty && (legend.view == .top || (c.y + 1 < rows.count && solid.contains(rows[c.y + 1][c.x])))
            }
            for _ in 0..<min(count - have.count, spots.count) {
                let spot = spots.remove(at: rng.int(below: spots.count))
                rows[spot.y][spot.x] = tile
            }
        } else if have.count > count && relation != ">=" {
            var extra = have
            for _ in 0..<(have.count - count) {
                let cell = extra.remove(at: rng.int(below: extra.count))
                rows[cell.y][cell.x] = empty
            }
        }
        return Level(rows: rows)
    }
}
