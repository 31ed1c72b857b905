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
    /// Side view: columns whose bottom row is not solid (gaps) per column.
    var gapsPerColumn: Double?
    /// Side view: how well the ground follows a straight line, 0…1 (see `LevelMetrics.linearity`).
    var linearity: Double?
    /// Side view: how forgiving the level is per column (see `LevelMetrics.leniency`); negative is harsh.
    var leniency: Double?

    init(_ level: Level, legend: Legend, outcome: PathOutcome) {
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
        guard legend.view == .side else { return }
        gapsPerColumn =
            Double((0..<level.width).filter { !legend.solid.contains(level.rows[level.height - 1][$0]) }.count)
            / Double(max(level.width, 1))
        linearity = LevelMetrics.linearity(level, legend: legend)
        leniency = LevelMetrics.leniency(level, legend: legend)
    }

    /// Linearity, Smith and Whitehead's expressive-range axis ("Analyzing the expressive range of a
    /// level generator", PCG 2010) for a side-scroller: the ground height of each column (the top
    /// of the solid run standing on the bottom row; gap columns left out) against its least-squares
    /// line, 1 − mean absolute residual ÷ half the level's height, clamped to 0…1. A flat or evenly
    /// sloping ground is 1; hills, stairs and pits lower it.
    static func linearity(_ level: Level, legend: Legend) -> Double {
        var points: [(x: Double, h: Double)] = []
        for x in 0..<level.width {
            var h = 0
            while h < level.height && legend.solid.contains(level.rows[level.height - 1 - h][x]) { h += 1 }
            if h > 0 { points.append((Double(x), Double(h))) }
        }
        guard points.count >= 2 else { return 0 }
        let n = Double(points.count)
        let mx = points.map(\.x).reduce(0, +) / n
        let mh = points.map(\.h).reduce(0, +) / n
        let sxx = points.map { ($0.x - mx) * ($0.x - mx) }.reduce(0, +)
        let slope = sxx > 0 ? points.map { ($0.x - mx) * ($0.h - mh) }.reduce(0, +) / sxx : 0
        let residual = points.map { abs($0.h - (mh + slope * ($0.x - mx))) }.reduce(0, +) / n
        return min(1, max(0, 1 - residual / (Double(level.height) / 2)))
    }

    /// Leniency, Smith and Whitehead's other axis, with their weights: −1 for each enemy or
    /// hazard tile, −0.5 for each gap (a run of columns with no ground), +1 for each full
    /// question block (a possible power-up), per 10 columns.
    static func leniency(_ level: Level, legend: Legend) -> Double {
        let kinds = legend.tiles
        var score = 0.0
        for row in level.rows {
            for tile in row {
                let k = kinds[tile] ?? []
                if k.contains("enemy") || k.contains("hazard") { score -= 1 }
                if k.contains("full question block") { score += 1 }
            }
        }
        var inGap = false
        for x in 0..<level.width {
            let gap = !legend.solid.contains(level.rows[level.height - 1][x])
            if gap && !inGap { score -= 0.5 }
            inGap = gap
        }
        return score / Double(max(level.width, 1)) * 10
    }
}

/// The 8-column windows of a set of levels (the training levels), against which a level's
/// novelty is measured: the share of its windows found in none of them.
struct NoveltyReference {
    static let window = 8
    private var windows = Set<[String]>()

    init(_ levels: [Level]) {
        for level in levels { windows.formUnion(NoveltyReference.windows(of: level)) }
    }

    static func windows(of level: Level) -> [[String]] {
        guard level.width >= window else { return [] }
        let columns = (0..<level.width).map(level.column)
        return (0...(level.width - window)).map { Array(columns[$0..<($0 + window)]) }
    }

    /// Share of `level`'s windows that no reference level has (nil under 8 columns).
    func novelty(of level: Level) -> Double? {
        let own = NoveltyReference.windows(of: level)
        return own.isEmpty ? nil : Double(own.filter { !windows.contains($0) }.count) / Double(own.count)
    }
}
