// The level grammar of a column model: a pipe is two tiles wide, so a column holding a pipe's left
// half in some rows must be followed by a column holding its right half in exactly those rows. A
// column chain sees only its context, so without this it cuts pipes (165 of 200 default levels
// had a pipe half without its other half, measured); as a constrained-decoding processor it bans
// the columns that would cut one.
import GenEngine

/// Bans the columns that break a two-tile-wide object (the legend's left and right pipe halves).
struct PipeGrammar: LogitsProcessor {
    /// Per token: rows (bit y) holding a left half, and rows holding a right half.
    let left: [UInt64], right: [UInt64]
    /// Columns of the level, and columns drawn so far.
    let width: Int
    var drawn = 0
    /// Rows of the last column that still wait for their right halves.
    var open: UInt64 = 0

    /// The masks of `domain`'s columns under `legend` (tiles named "left pipe" / "top-left pipe"
    /// open a pair; "right pipe" / "top-right pipe" close one) for levels of `width` columns,
    /// up to 64 rows.
    init(domain: LevelDomain, legend: Legend, width: Int) {
        func mask(_ column: String, _ kinds: Set<String>) -> UInt64 {
            var bits: UInt64 = 0
            for (y, tile) in column.enumerated() where y < 64 && !kinds.isDisjoint(with: legend.tiles[tile] ?? []) {
                bits |= 1 << UInt64(y)
            }
            return bits
        }
        left = domain.columns.map { mask($0, ["left pipe", "top-left pipe"]) } + [0]
        right = domain.columns.map { mask($0, ["right pipe", "top-right pipe"]) } + [0]
        self.width = width
    }

    mutating func advance(_ token: Int32) {
        open = left[Int(token)]
        drawn += 1  // the start token counts: the next column is column `drawn - 1`
    }

    /// Forbids every column whose right halves are not the open left halves, and in the last
    /// column every column that opens a pipe, unless that would forbid them all (a vocabulary
    /// without a fitting column: the chain decides alone).
    func process(_ logits: inout [Float]) {
        let last = drawn == width
        func fits(_ i: Int) -> Bool { right[i] == open && (!last || left[i] == 0) }
        guard logits.indices.contains(where: { logits[$0] > -.infinity && fits($0) }) else { return }
        for i in logits.indices where !fits(i) { logits[i] = -.infinity }
    }
}
