// Playability as constrained decoding. The states of the A* agent (`PlatformerAgent`) that can be
// reached from its start only grow as a column model adds columns, since a column only adds
// moves. A column after which no reachable state can step into the next column, even were that
// column empty air (the most any later column can offer: a move into a tile needs it passable),
// or a state there can only fall out of the level, can never be part of a playable level; the grammar bans it before it is drawn, and for the
// last column it asks that a state reach the column itself. It bans no column that a playable
// level could have, so a level it lets through fails only where it had to stand aside (every
// column banned, or the pipe grammar's choice banned them all) and is then redrawn.
import GenEngine

final class PathGrammar: LogitsProcessor {
    typealias State = PlatformerAgent.State
    /// Per token: bit y set when the column's tile in row y is solid.
    let solid: [UInt64]
    let height: Int, width: Int, startToken: Int32
    /// The solid masks of the columns drawn so far.
    private var columns: [UInt64] = []
    /// Every agent state reached so far, a bit per `slot`, and the states of each column.
    private var reached: [UInt64]
    private var byColumn: [[State]] = []

    /// A grammar for levels of `width` columns of `domain` under `legend` (up to 64 rows).
    init(domain: LevelDomain, legend: Legend, width: Int) {
        let solidTiles = legend.solid
        solid =
            domain.columns.map { column in
                column.enumerated().reduce(UInt64(0)) { bits, tile in
                    tile.offset < 64 && solidTiles.contains(tile.element) ? bits | 1 << UInt64(tile.offset) : bits
                }
            } + [0]
        (height, self.width, startToken) = (domain.height, width, domain.startToken)
        reached = [UInt64](repeating: 0, count: (width * PathGrammar.slotsPerTile * domain.height + 63) / 64)
    }

    /// Agent states per tile: no jump or one of the arcs, each step, two directions.
    static let slotsPerTile = (PlatformerAgent.jumps.count + 1) * PlatformerAgent.longestArc * 2

    private func slot(_ s: State) -> Int {
        (((s.x * height + s.y) * (PlatformerAgent.jumps.count + 1) + s.jump + 1) * PlatformerAgent.longestArc + s.step) * 2
            + (s.direction > 0 ? 0 : 1)
    }

    private func isReached(_ slot: Int) -> Bool { reached[slot >> 6] & (1 << UInt64(slot & 63)) != 0 }

    /// Whether tile (x, y) is solid given the columns drawn, `candidate` at the next column and
    /// air after it.
    @inline(__always)
    private func isSolid(_ x: Int, _ y: Int, candidate: UInt64) -> Bool {
        let mask = x < columns.count ? columns[x] : x == columns.count ? candidate : 0
        return y >= 0 && y < 64 && mask & (1 << UInt64(y)) != 0
    }

    func advance(_ token: Int32) {
        guard token != startToken, columns.count < width else { return }
        columns.append(solid[Int(token)])
        byColumn.append([])
        let n = columns.count
        if n == 3 {
            let start = PlatformerAgent.start(height: height, goal: width - 1) { isSolid($0, $1, candidate: 0) }
            reached[slot(start) >> 6] |= 1 << UInt64(slot(start) & 63)
            byColumn[start.x].append(start)
            record(from: [start])
        } else if n > 3 {
            record(from: byColumn[n - 2])
        }
    }

    /// Adds every state reachable from `seeds` over the columns drawn.
    private func record(from seeds: [State]) {
        var stack = seeds
        let drawn = { (x: Int, y: Int) in self.isSolid(x, y, candidate: 0) }
        while let state = stack.popLast() {
            PlatformerAgent.forEachMove(from: state, width: columns.count, height: height, solid: drawn) {
                next, _ in
                let s = slot(next)
                guard !isReached(s) else { return }
                reached[s >> 6] |= 1 << UInt64(s & 63)
                byColumn[next.x].append(next)
                stack.append(next)
            }
        }
    }

    /// Whether a level can still be finished after `token` as the next column: a state not yet
    /// reached, found from the states of the last column, is in the column after it above the
    /// bottom row (where something could hold it up), or anywhere in the level's last column
    /// (the agent's goal); when the token is the last column, in the token's own.
    func keepsAPath(_ token: Int) -> Bool {
        let n = columns.count
        let last = n == width - 1
        let goal = last ? n : n + 1
        let candidate = solid[token]
        var seen: Set<Int> = []
        var stack = byColumn[n - 1]
        var found = false
        let withCandidate = { (x: Int, y: Int) in self.isSolid(x, y, candidate: candidate) }
        while !found, let state = stack.popLast() {
            PlatformerAgent.forEachMove(from: state, width: goal + 1, height: height, solid: withCandidate) {
                next, _ in
                if found { return }
                if next.x == goal && (goal == width - 1 || next.y < height - 1) {
                    found = true
                    return
                }
                let s = slot(next)
                if !isReached(s) && seen.insert(s).inserted { stack.append(next) }
            }
        }
        return found
    }

    func process(_ logits: inout [Float]) {
        guard columns.count >= 3, columns.count < width else { return }
        var kept = logits
        var any = false
        var verdicts: [UInt64: Bool] = [:]  // columns solid in the same rows play alike
        for i in kept.indices where kept[i] > -.infinity && Int32(i) != startToken {
            let keeps = verdicts[solid[i]] ?? keepsAPath(i)
            verdicts[solid[i]] = keeps
            if keeps { any = true } else { kept[i] = -.infinity }
        }
        if any { logits = kept }
    }
}
