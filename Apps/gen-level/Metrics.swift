// Numbers of a level, for --stats, check and eval.
import Foundation
import GenEngine

struct LevelMetrics: Codable, Equatable {
    var width: Int, height: Int
    var playable: Bool
    /// Columns the agent reached (the whole width when playable).
    var furthestColumn: Int
    var pathLength: Int?
    /// Tiles of each kind.
    var tileCounts: [String: Int]
    /// Solid tiles over all tiles.
    var density: Double
    /// Enemies per column.
    var enemiesPerColumn: Double
    /// Columns whose bottom row is not solid (gaps) per column.
    var gapsPerColumn: Double

    init(_ level: Level, legend: Legend, outcome: PlatformerAgent.Outcome) {
        width = level.width
        height = level.height
        playable = outcome.playable
        furthestColumn = outcome.furthestColumn
        pathLength = outcome.pathLength
        var counts: [String: Int] = [:]
        for row in level.rows { for tile in row { counts[String(tile), default: 0] += 1 } }
        tileCounts = counts
        let tiles = Double(max(level.width * level.height, 1))
        density = Double(level.rows.joined().filter { legend.solid.contains($0) }.count) / tiles
        enemiesPerColumn = Double(level.rows.joined().filter { legend.enemies.contains($0) }.count) / Double(max(level.width, 1))
        gapsPerColumn =
            Double((0..<level.width).filter { !legend.solid.contains(level.rows[level.height - 1][$0]) }.count)
            / Double(max(level.width, 1))
    }
}
