// WaveFunctionCollapse as a trained model (`gen-level train --arch wfc`): the overlapping model's
// patterns, learned from every level of a folder, kept in a bundle so that `--model BUNDLE` draws
// from them as from any other model. Which patterns may neighbour is recomputed from their
// overlaps when the bundle loads.
import GenEngine

final class PatternSet: GenerativeModel {
    struct Config: Codable, Equatable {
        /// Pattern side, number of patterns, whether the examples wrapped horizontally (side
        /// view), and the tiles in index order.
        var n: Int, count: Int, periodic: Bool, tiles: String
    }
    static let family = "wfc-overlapping"
    let config: Config
    /// Tile indices `[count, n·n]` (row-major), counts `[count]`, and edge membership `[4, count]`
    /// (1 where the pattern was seen at the examples' top, bottom, left, right).
    private(set) var patterns: [Float], weights: [Float], edges: [Float]

    init(_ config: Config, rng: inout RNG) {
        self.config = config
        patterns = [Float](repeating: 0, count: config.count * config.n * config.n)
        weights = [Float](repeating: 1, count: config.count)
        edges = [Float](repeating: 0, count: 4 * config.count)
    }

    /// The patterns of `model` over `tiles` (every tile of its patterns).
    init(_ model: OverlappingModel, tiles: String, periodic: Bool) {
        let index = Dictionary(uniqueKeysWithValues: tiles.enumerated().map { ($1, Float($0)) })
        config = Config(n: model.n, count: model.patterns.count, periodic: periodic, tiles: tiles)
        patterns = model.patterns.flatMap { $0.map { index[$0]! } }
        weights = model.weights.map(Float.init)
        let sets = [model.top, model.bottom, model.left ?? [], model.right ?? []]
        edges = sets.flatMap { set in model.patterns.indices.map { set.contains($0) ? 1 : 0 } }
    }

    func stateDict() -> [(String, Tensor)] {
        [
            ("patterns", Tensor(patterns, shape: [config.count, config.n * config.n])), ("weights", Tensor(weights)),
            ("edges", Tensor(edges, shape: [4, config.count])),
        ]
    }

    func load(stateDict tensors: [String: Tensor]) throws {
        guard (1...6).contains(config.n), (1...1_000_000).contains(config.count), !config.tiles.isEmpty else {
            throw ModelLoadError(problems: ["the config needs patterns of 1 to 6 tiles a side, 1 to 1,000,000 of them, and tiles"])
        }
        let shapes = [("patterns", [config.count, config.n * config.n]), ("weights", [config.count]), ("edges", [4, config.count])]
        var problems = shapes.compactMap { name, shape -> String? in
            guard let t = tensors[name] else { return "missing tensor '\(name)'" }
            return t.shape == shape ? nil : "'\(name)' is \(t.shape), expected \(shape)"
        }
        if problems.isEmpty {
            let tiles = Float(config.tiles.count)
            if tensors["patterns"]!.scalars.contains(where: { $0 < 0 || $0 >= tiles || $0 != $0.rounded() }) {
                problems.append("'patterns' holds a tile index outside 0..<\(config.tiles.count)")
            }
            if tensors["weights"]!.scalars.contains(where: { !($0 > 0) }) { problems.append("'weights' must be positive") }
            if tensors["edges"]!.scalars.contains(where: { $0 != 0 && $0 != 1 }) { problems.append("'edges' must be 0 or 1") }
        }
        guard problems.isEmpty else { throw ModelLoadError(problems: problems) }
        (patterns, weights, edges) = (tensors["patterns"]!.scalars, tensors["weights"]!.scalars, tensors["edges"]!.scalars)
    }

    var parameterCount: Int { patterns.count + weights.count }

    /// The overlapping model these patterns make.
    var model: OverlappingModel {
        let (n, count, tiles) = (config.n, config.count, Array(config.tiles))
        let cells = n * n
        let sets = (0..<4).map { e in Set((0..<count).filter { edges[e * count + $0] != 0 }) }
        return OverlappingModel(
            n: n, patterns: (0..<count).map { p in (0..<cells).map { tiles[Int(patterns[p * cells + $0])] } },
            weights: weights.map(Double.init), edges: sets, periodic: config.periodic)
    }
}
