// Levels tile by tile: the multi-dimensional Markov chain (MdMC) of Snodgrass & Ontañón
// ("Experiments in map generation using Markov chains", FDG 2014; "Learning to generate video
// game maps using Markov models", IEEE TCIAIG 9(4), 2017). Columns are drawn left to right and
// each column bottom to top, every tile given tiles already placed around it (its neighbourhood:
// left, below, below-left, ...) and, optionally, its row. The engine's `NGramModel` holds the
// counts: each training tile is one short sequence, its neighbours (the farthest first) then
// itself, every neighbour with token ids of its own. Sampling uses the counts of the longest
// context seen (`NGramModel.backoff`: raw counts for the whole neighbourhood, Kneser–Ney's
// continuation counts for the shorter ones it falls back to, dropping the farthest neighbour
// first), where the MdMC falls back on raw counts of smaller neighbourhoods.
import Foundation
import GenEngine

/// The `domain` of a tile-chain bundle.
struct TileChainDomain: Codable, Equatable {
    /// The game (legend) the tiles are of: "smb".
    var game: String
    /// Rows of every level (the `row` neighbour only knows these).
    var height: Int
    /// The tiles, in id order (sorted).
    var tiles: String
    /// The context of a tile, farthest first: names of `TileChain.neighbours`.
    var neighbourhood: [String]

    /// Token ids: one block per neighbour (a tile, or "outside the level" past the last tile;
    /// the `row` neighbour: the row), then the block of the tile drawn.
    var blockSizes: [Int] { neighbourhood.map { $0 == "row" ? height : tiles.count + 1 } }
    var outputBase: Int { blockSizes.reduce(0, +) }
    var vocabularySize: Int { outputBase + tiles.count }
}

/// A trained tile chain.
struct TileChain: LevelSampler {
    let model: NGramModel
    let domain: TileChainDomain
    let source: String

    /// The neighbours a tile may be given, as (columns to the right, rows down) from it: all of
    /// them placed before it, since columns go left to right and each column bottom to top.
    static let neighbours: [String: (dx: Int, dy: Int)] = [
        "left": (-1, 0), "left-left": (-2, 0), "below": (0, 1), "below-below": (0, 2), "below-left": (-1, 1),
        "above-left": (-1, -1), "row": (0, 0),
    ]

    /// The shipped neighbourhood, farthest first.
    static let defaultNeighbourhood = ["row", "above-left", "below-left", "left", "below"]

    /// Checks a neighbourhood's names; throws `CLIError.usage` naming the unknown one.
    static func check(_ neighbourhood: [String]) throws {
        for name in neighbourhood where neighbours[name] == nil {
            throw CLIError.usage("--neighbourhood: no neighbour '\(name)' (known: \(neighbours.keys.sorted().joined(separator: ", ")))")
        }
        guard !neighbourhood.isEmpty, neighbourhood.count <= NGramConfig.orders.upperBound - 1,
            Set(neighbourhood).count == neighbourhood.count
        else {
            throw CLIError.usage("--neighbourhood needs 1 to \(NGramConfig.orders.upperBound - 1) different neighbours")
        }
    }

    /// The context tokens of tile (x, y) of `grid` (tile ids by row, -1 not yet drawn).
    static func context(x: Int, y: Int, grid: [[Int]], domain: TileChainDomain) -> [Int32] {
        var base = 0
        var tokens: [Int32] = []
        for (name, size) in zip(domain.neighbourhood, domain.blockSizes) {
            if name == "row" {
                tokens.append(Int32(base + y))
            } else {
                let (dx, dy) = neighbours[name]!
                let (nx, ny) = (x + dx, y + dy)
                let inside = nx >= 0 && ny >= 0 && ny < grid.count && nx < grid[ny].count
                tokens.append(Int32(base + (inside ? grid[ny][nx] : size - 1)))
            }
            base += size
        }
        return tokens
    }

    /// Counts the tiles of `levels` (all `domain.height` rows, tiles all in `domain.tiles`).
    static func fit(levels: [Level], domain: TileChainDomain) -> NGramModel {
        let index = Dictionary(uniqueKeysWithValues: domain.tiles.enumerated().map { ($1, $0) })
        var sequences: [[Int32]] = []
        for level in levels {
            let grid = level.rows.map { $0.map { index[$0]! } }
            for x in 0..<level.width {
                for y in 0..<level.height {
                    sequences.append(context(x: x, y: y, grid: grid, domain: domain) + [Int32(domain.outputBase + grid[y][x])])
                }
            }
        }
        let model = NGramModel(NGramConfig(order: domain.neighbourhood.count + 1, vocabSize: domain.vocabularySize))
        model.fit(sequences)
        return model
    }

    /// One level of `width` columns drawn from `rng`; `temperature` divides the log-probabilities.
    func sample(width: Int, temperature: Float, rng: inout RNG) -> Level? {
        let tiles = Array(domain.tiles)
        let sampling = SamplingOptions(temperature: temperature)
        var grid = [[Int]](repeating: [Int](repeating: -1, count: width), count: domain.height)
        for x in 0..<width {
            for y in (0..<domain.height).reversed() {
                let (tokens, counts) = model.backoff(after: TileChain.context(x: x, y: y, grid: grid, domain: domain))
                var logits = [Float](repeating: -.infinity, count: tiles.count)
                for (t, c) in zip(tokens, counts) where Int(t) >= domain.outputBase {
                    logits[Int(t) - domain.outputBase] = Float(Foundation.log(c))
                }
                grid[y][x] = sampling.sample(logits, rng: &rng)
            }
        }
        return Level(rows: grid.map { $0.map { tiles[$0] } })
    }
}
