// WaveFunctionCollapse (Maxim Gumin, github.com/mxgmn/WaveFunctionCollapse), in its two models.
// Overlapping (`OverlappingModel.cs`): the N×N patterns of an example with their counts, and two
// patterns may neighbour where they agree on their overlap. Simple tiled (`SimpleTiledModel.cs`,
// with the adjacency rules learned from an example, as DeBroglie's `AdjacentModel` does): each
// cell one tile, and two tiles may neighbour in a direction if they do somewhere in the example.
// An output grid's cells each hold the set of patterns still possible; repeatedly the cell of
// lowest entropy is collapsed to one pattern drawn by count, and the choice is propagated to
// neighbours, which keep only patterns their supports allow. A contradiction (a cell with no
// pattern left) restarts the attempt, or with backtracking the last choices are undone one by one
// (each undone choice banned where it was made) from a trail of every ban and support change. A
// side-scroller's example wraps horizontally and the output's top and bottom rows may only hold
// patterns seen at the example's top and bottom, so it keeps its sky and ground; a top-down
// example does not wrap, and all four edges keep the example's edges (a dungeon's outer wall).
import Foundation
import GenEngine

struct OverlappingModel {
    /// Pattern side.
    let n: Int
    /// Each pattern's tiles, row-major, `n × n`.
    let patterns: [[Character]]
    /// How often each pattern occurs in the example.
    let weights: [Double]
    /// `compatible[d][p]`: patterns that may sit at offset `directions[d]` from pattern `p`.
    let compatible: [[[Int]]]
    /// Patterns seen at the example's top, bottom, left and right edges (left and right: nil when
    /// the example wraps horizontally).
    let top: Set<Int>, bottom: Set<Int>, left: Set<Int>?, right: Set<Int>?
    static let directions = [(-1, 0), (0, 1), (1, 0), (0, -1)]
    /// Entries the backtracking trail may hold (8 bytes each, plus 16 per ban).
    static let maxTrail = 10_000_000
    /// Largest output cells × patterns (17 bytes each: the wave and four supports).
    static let maxCellPatterns = 25_000_000

    /// Learns the `n`×`n` patterns of `examples` (each at least `n` rows and columns), wrapping
    /// around horizontally when `periodic`, each pattern with its first `symmetry` (1…8)
    /// reflections and rotations in Gumin's order (1: as drawn; 2: and mirrored; 8: all eight).
    /// Throws `LevelError` naming the example (`sources[i]`, its file) smaller than the patterns.
    init(examples: [Level], n: Int, periodic: Bool = true, symmetry: Int = 1, sources: [String] = []) throws {
        var index: [[Character]: Int] = [:]
        var patterns: [[Character]] = []
        var weights: [Double] = []
        var edges = [Set<Int>](repeating: [], count: 4)
        for (i, example) in examples.enumerated() {
            guard example.width >= n, example.height >= n else {
                throw LevelError(
                    source: i < sources.count ? sources[i] : "the sample", line: 1,
                    message: "the level (\(example.width)×\(example.height)) is smaller than the \(n)×\(n) patterns")
            }
            let lastX = periodic ? example.width - 1 : example.width - n
            for y in 0...(example.height - n) {
                for x in 0...lastX {
                    // A side-scroller's example wraps around (its end meets its start, as a level's
                    // ground and sky do), which gives every column a right neighbour.
                    let p = (0..<(n * n)).map { example.rows[y + $0 / n][(x + $0 % n) % example.width] }
                    for (k, variant) in OverlappingModel.variants(of: p, n: n).prefix(symmetry).enumerated() {
                        let id: Int
                        if let known = index[variant] {
                            id = known
                            weights[id] += 1
                        } else {
                            id = patterns.count
                            index[variant] = id
                            patterns.append(variant)
                            weights.append(1)
                        }
                        guard k == 0 else { continue }
                        for (edge, on) in [y == 0, y == example.height - n, x == 0, x == lastX].enumerated() where on {
                            edges[edge].insert(id)
                        }
                    }
                }
            }
        }
        self.init(n: n, patterns: patterns, weights: weights, edges: edges, periodic: periodic)
    }

    /// The overlapping model of these patterns (`n`×`n` tiles each, row-major), counts and edge
    /// patterns (top, bottom, left, right): two patterns may neighbour where they agree on their
    /// overlap.
    init(n: Int, patterns: [[Character]], weights: [Double], edges: [Set<Int>], periodic: Bool) {
        func agrees(_ a: [Character], _ b: [Character], _ dx: Int, _ dy: Int) -> Bool {
            for y in max(0, dy)..<min(n, n + dy) {
                for x in max(0, dx)..<min(n, n + dx) where a[y * n + x] != b[(y - dy) * n + (x - dx)] { return false }
            }
            return true
        }
        let compatible = OverlappingModel.directions.map { (dx, dy) in
            patterns.map { a in patterns.indices.filter { agrees(a, patterns[$0], dx, dy) } }
        }
        self.init(n: n, patterns: patterns, weights: weights, compatible: compatible, edges: edges, periodic: periodic)
    }

    /// The eight reflections and rotations of an `n`×`n` pattern, in the order of Gumin's
    /// `OverlappingModel`: as drawn, mirrored, rotated a quarter turn, that mirrored, and so on.
    static func variants(of p: [Character], n: Int) -> [[Character]] {
        func rotate(_ q: [Character]) -> [Character] { (0..<(n * n)).map { q[n - 1 - $0 / n + ($0 % n) * n] } }
        func reflect(_ q: [Character]) -> [Character] { (0..<(n * n)).map { q[n - 1 - $0 % n + ($0 / n) * n] } }
        var out = [p, reflect(p)]
        for _ in 0..<3 {
            out.append(rotate(out[out.count - 2]))
            out.append(reflect(out[out.count - 1]))
        }
        return out
    }

    /// The simple tiled model of `example`: its tiles, and in each direction the tiles seen next
    /// to each (across the wrap when `periodic`).
    init(adjacenciesOf example: Level, periodic: Bool = true) {
        let tiles = Array(Set(example.rows.joined())).sorted()
        let index = Dictionary(uniqueKeysWithValues: tiles.enumerated().map { ($1, $0) })
        var weights = [Double](repeating: 0, count: tiles.count)
        var seen = [Set<Int>](repeating: [], count: 4 * tiles.count)
        var edges = [Set<Int>](repeating: [], count: 4)
        for y in 0..<example.height {
            for x in 0..<example.width {
                let t = index[example.rows[y][x]]!
                weights[t] += 1
                for (d, (dx, dy)) in OverlappingModel.directions.enumerated() {
                    let (nx, ny) = (periodic ? (x + dx + example.width) % example.width : x + dx, y + dy)
                    guard nx >= 0, nx < example.width, ny >= 0, ny < example.height else { continue }
                    seen[d * tiles.count + t].insert(index[example.rows[ny][nx]]!)
                }
                for (edge, on) in [y == 0, y == example.height - 1, x == 0, x == example.width - 1].enumerated() where on {
                    edges[edge].insert(t)
                }
            }
        }
        let compatible = (0..<4).map { d in tiles.indices.map { seen[d * tiles.count + $0].sorted() } }
        self.init(n: 1, patterns: tiles.map { [$0] }, weights: weights, compatible: compatible, edges: edges, periodic: periodic)
    }

    private init(n: Int, patterns: [[Character]], weights: [Double], compatible: [[[Int]]], edges: [Set<Int>], periodic: Bool) {
        (self.n, self.patterns, self.weights, self.compatible) = (n, patterns, weights, compatible)
        (top, bottom) = (edges[0], edges[1])
        (left, right) = periodic ? (nil, nil) : (edges[2], edges[3])
    }

    /// One output of `width × height` tiles, or nil after a contradiction that `backtracks` undone
    /// choices did not resolve (the caller draws again). `budget` bounds the propagation steps. An
    /// attempt that meets no contradiction gives the same level for any `backtracks`. With
    /// `wraps`, the output is periodic horizontally (Gumin's periodic output): its last column
    /// continues into its first, for a level that loops.
    func run(width: Int, height: Int, rng: inout RNG, backtracks: Int = 0, wraps: Bool = false, budget: Int = 50_000_000) -> Level? {
        // Keeping the trail costs as much again as the search, so an attempt runs without it
        // first, and only one that contradicts is replayed (the same draws) with it to backtrack.
        let start = rng
        if let level = attempt(width: width, height: height, rng: &rng, backtracks: 0, wraps: wraps, budget: budget) { return level }
        guard backtracks > 0 else { return nil }
        rng = start
        return attempt(width: width, height: height, rng: &rng, backtracks: backtracks, wraps: wraps, budget: budget)
    }

    /// One attempt of `run`, keeping the trail when `backtracks` > 0.
    private func attempt(width: Int, height: Int, rng: inout RNG, backtracks: Int, wraps: Bool, budget: Int) -> Level? {
        let cw = wraps ? width : width - n + 1
        let ch = height - n + 1
        guard cw > 0, ch > 0 else { return nil }
        let count = patterns.count
        let cells = cw * ch
        var wave = [Bool](repeating: true, count: cells * count)
        var remaining = [Int](repeating: count, count: cells)
        // compatibleCount[(cell * count + p) * 4 + d]: supports of p at cell from direction d.
        var support = [Int32](repeating: 0, count: cells * count * 4)
        for cell in 0..<cells {
            for p in 0..<count {
                for d in 0..<4 { support[(cell * count + p) * 4 + d] = Int32(compatible[(d + 2) % 4][p].count) }
            }
        }
        // Each cell's Σw and Σw·log w over its possible patterns, kept as patterns are banned (as
        // Gumin's model does), so a cell's entropy costs O(1) instead of a pass over the patterns.
        let weightLogWeights = weights.map { $0 * log($0) }
        var sumWeights = [Double](repeating: weights.reduce(0, +), count: cells)
        var sumWeightLogWeights = [Double](repeating: weightLogWeights.reduce(0, +), count: cells)
        var stack: [(Int, Int)] = []
        var steps = 0
        // The trail, for backtracking: a ban as -(cell·count + p) - 1 with its four supports in
        // `bannedSupports`, a support decrement as its index in `support`.
        var trail: [Int] = []
        var bannedSupports: [Int32] = []
        // Past `maxTrail` entries (~130 MB) the trail stops and the attempt no longer backtracks.
        var recording = backtracks > 0
        func ban(_ cell: Int, _ p: Int) -> Bool {
            guard wave[cell * count + p] else { return true }
            wave[cell * count + p] = false
            remaining[cell] -= 1
            sumWeights[cell] -= weights[p]
            sumWeightLogWeights[cell] -= weightLogWeights[p]
            if recording {
                recording = trail.count < Self.maxTrail
                trail.append(-(cell * count + p) - 1)
                for d in 0..<4 { bannedSupports.append(support[(cell * count + p) * 4 + d]) }
            }
            for d in 0..<4 { support[(cell * count + p) * 4 + d] = 0 }
            stack.append((cell, p))
            return remaining[cell] > 0
        }
        /// Undoes the trail back to its first `mark` entries.
        func undo(to mark: Int) {
            while trail.count > mark {
                let entry = trail.removeLast()
                if entry >= 0 {
                    support[entry] += 1
                    continue
                }
                let (cell, p) = ((-entry - 1) / count, (-entry - 1) % count)
                for d in (0..<4).reversed() { support[(cell * count + p) * 4 + d] = bannedSupports.removeLast() }
                wave[cell * count + p] = true
                remaining[cell] += 1
                sumWeights[cell] += weights[p]
                sumWeightLogWeights[cell] += weightLogWeights[p]
            }
            stack.removeAll()
        }
        func propagate() -> Bool {
            while let (cell, p) = stack.popLast() {
                let x = cell % cw
                let y = cell / cw
                for (d, (dx, dy)) in OverlappingModel.directions.enumerated() {
                    let nx = wraps ? (x + dx + cw) % cw : x + dx
                    let ny = y + dy
                    guard nx >= 0, nx < cw, ny >= 0, ny < ch else { continue }
                    let neighbour = ny * cw + nx
                    for q in compatible[d][p] where wave[neighbour * count + q] {  // a banned pattern's supports no longer count
                        steps += 1
                        let k = (neighbour * count + q) * 4 + d
                        support[k] -= 1
                        if recording {
                            recording = trail.count < Self.maxTrail
                            trail.append(k)
                        }
                        if support[k] == 0 && !ban(neighbour, q) { return false }
                    }
                    if steps > budget { return false }
                }
            }
            return true
        }
        // Sky and ground: the top and bottom cell rows keep only the example's top and bottom
        // patterns; without wrapping, the left and right columns keep its left and right.
        for x in 0..<cw {
            for p in 0..<count where !top.contains(p) { if !ban(x, p) { return nil } }
            for p in 0..<count where !bottom.contains(p) { if !ban((ch - 1) * cw + x, p) { return nil } }
        }
        if let left, let right, !wraps {
            for y in 0..<ch {
                for p in 0..<count where !left.contains(p) { if !ban(y * cw, p) { return nil } }
                for p in 0..<count where !right.contains(p) { if !ban(y * cw + cw - 1, p) { return nil } }
            }
        }
        guard propagate() else { return nil }
        // Choices made, each with the trail's length before it, for backtracking.
        var choices: [(cell: Int, pattern: Int, mark: Int)] = []
        var undone = 0
        while true {
            // The undecided cell of lowest entropy, ties broken by a little noise from the generator.
            var best = -1
            var bestEntropy = Double.infinity
            for cell in 0..<cells where remaining[cell] > 1 {
                let sum = sumWeights[cell]
                let entropy = log(sum) - sumWeightLogWeights[cell] / sum + 1e-6 * Double(rng.uniform())
                if entropy < bestEntropy { (best, bestEntropy) = (cell, entropy) }
            }
            guard best >= 0 else { break }
            steps += cells  // the scan counts against the budget too: on a large grid it is the cost
            if steps > budget { return nil }
            let options = (0..<count).filter { wave[best * count + $0] }
            var r = Double(rng.uniform()) * options.reduce(0) { $0 + weights[$1] }
            var chosen = options.last!
            for p in options {
                r -= weights[p]
                if r <= 0 {
                    chosen = p
                    break
                }
            }
            if backtracks > 0 { choices.append((best, chosen, trail.count)) }
            var consistent = options.allSatisfy { $0 == chosen || ban(best, $0) } && propagate()
            // On a contradiction, undo the last choice and ban it where it was made; if that
            // contradicts too, undo the one before, within the budget of undone choices.
            while !consistent {
                guard recording, undone < backtracks, steps <= budget, let last = choices.popLast() else { return nil }
                undone += 1
                undo(to: last.mark)
                consistent = ban(last.cell, last.pattern) && propagate()
            }
        }
        var rows = [[Character]](repeating: [Character](repeating: "-", count: width), count: height)
        for y in 0..<height {
            for x in 0..<width {
                let cx = wraps ? x : min(x, cw - 1)
                let cy = min(y, ch - 1)
                let p = (0..<count).first { wave[(cy * cw + cx) * count + $0] }!
                rows[y][x] = patterns[p][(y - cy) * n + (x - cx)]
            }
        }
        return Level(rows: rows)
    }
}
