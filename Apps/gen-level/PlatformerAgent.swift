// Whether a side-scrolling level can be played from its left edge to its right edge: the A*
// agent of the VGLC's PlatformerPathfinding (TheVGLC/TheVGLC, `PlatformerPathfinding/`, Seth
// Cooper's jump arcs): the player walks on solid tiles, starts one of five jump arcs (up to 4
// tiles high; the two running jumps reach 8 columns), follows the arc until a solid tile stops
// it, and falls straight or diagonally when nothing is below. Falling out of the bottom ends a
// path. The goal is any tile of the rightmost column.
import Foundation
import GenEngine

struct PlatformerAgent {
    /// The jump arcs, as offsets from the take-off tile (x forward, y up is negative).
    static let jumps: [[(Int, Int)]] = [
        [(0, -1), (0, -2), (0, -3), (1, -3), (1, -4)],
        [(0, -1), (0, -2), (0, -3), (0, -4), (1, -4)],
        [(0, -1), (1, -1), (1, -2), (1, -3), (1, -4), (2, -4)],
        [
            (0, -1), (1, -1), (1, -2), (2, -2), (2, -3), (3, -3), (3, -4), (4, -4), (5, -4), (5, -3), (6, -3), (7, -3), (7, -2), (8, -2),
            (8, -1),
        ],
        [
            (0, -1), (1, -1), (1, -2), (2, -2), (2, -3), (3, -3), (3, -4), (4, -4), (5, -4), (6, -4), (6, -3), (7, -3), (7, -2), (8, -2),
            (8, -1),
        ],
    ]

    /// The outcome: whether the right edge was reached, the furthest column reached, the number
    /// of moves of the path found (nil when none), and whether the search ran out of its budget
    /// before it could tell (a level of some 20,000 columns or more) rather than running out of moves.
    struct Outcome: Equatable {
        var playable: Bool
        var furthestColumn: Int
        var pathLength: Int?
        var exhausted = false
    }

    /// A state waiting in the search, by priority, ties in the order they were found (so searches
    /// are deterministic).
    struct Candidate: Comparable {
        var priority: Double, order: Int, state: State
        static func < (a: Self, b: Self) -> Bool { (a.priority, a.order) < (b.priority, b.order) }
        static func == (a: Self, b: Self) -> Bool { (a.priority, a.order) == (b.priority, b.order) }
    }

    /// One search state: position, and the jump under way (arc, step, direction) or none.
    struct State: Equatable {
        var x: Int, y: Int, jump: Int, step: Int, direction: Int
    }

    let level: Level
    /// Whether tile (x, y) is solid, at `y * width + x`.
    let solidTiles: [Bool]
    /// Expanded states before the search gives up (every search has a budget).
    var budget = 2_000_000

    init(level: Level, solid: Set<Character>) {
        self.level = level
        solidTiles = level.rows.flatMap { row in row.map { solid.contains($0) } }
    }

    func isSolid(_ x: Int, _ y: Int) -> Bool {
        guard x >= 0, x < level.width, y >= 0, y < level.height else { return false }
        return solidTiles[y * level.width + x]
    }

    /// Longest jump arc, in steps.
    static let longestArc = jumps.map(\.count).max()!

    /// The slot of `s` in the search's flat tables: one per position, jump (or none), step and
    /// direction.
    func index(_ s: State) -> Int {
        (((s.y * level.width + s.x) * (PlatformerAgent.jumps.count + 1) + s.jump + 1) * PlatformerAgent.longestArc + s.step) * 2
            + (s.direction > 0 ? 0 : 1)
    }

    /// Calls `body` with each move from `s` and its cost (VGLC's `getNeighbors`, without
    /// horizontal wrapping), in a grid of `width` × `height` tiles
    /// where `solid(x, y)` says which tiles stop the player (asked only inside the grid).
    @inline(__always)
    static func forEachMove(
        from s: State, width: Int, height: Int, solid isSolid: (Int, Int) -> Bool, _ body: (State, Double) -> Void
    ) {
        func inside(_ x: Int, _ y: Int) -> Bool { x >= 0 && x < width && y < height }
        let below = s.y + 1
        guard below < height else { return }  // fell out of the level
        if s.jump >= 0 {
            let step = s.step + 1
            let arc = PlatformerAgent.jumps[s.jump]
            if step < arc.count {
                let dx = (arc[step].0 - arc[step - 1].0) * s.direction
                let dy = arc[step].1 - arc[step - 1].1
                let nx = s.x + dx
                let ny = max(0, s.y + dy)
                if inside(nx, ny) && !isSolid(nx, ny) { body(State(x: nx, y: ny, jump: s.jump, step: step, direction: s.direction), 1) }
            }
        }
        if isSolid(s.x, below) {
            for dx in [1, -1] where inside(s.x + dx, s.y) && !isSolid(s.x + dx, s.y) {
                body(State(x: s.x + dx, y: s.y, jump: -1, step: 0, direction: 1), 1)
            }
            for (j, arc) in PlatformerAgent.jumps.enumerated() {
                for direction in [1, -1] {
                    let nx = s.x + arc[0].0 * direction
                    let ny = max(0, s.y + arc[0].1)
                    if inside(nx, ny) && !isSolid(nx, ny) { body(State(x: nx, y: ny, jump: j, step: 0, direction: direction), 1) }
                }
            }
        } else {
            body(State(x: s.x, y: below, jump: -1, step: 0, direction: 1), 1)
            for dx in [1, -1] where inside(s.x + dx, below) && !isSolid(s.x + dx, below) {
                body(State(x: s.x + dx, y: below, jump: -1, step: 0, direction: 1), 1.4)
            }
        }
    }

    /// Where the VGLC agent starts: column 2, row 2, raised above any solid tile there.
    static func start(height: Int, goal: Int, solid: (Int, Int) -> Bool) -> State {
        var start = State(x: min(2, goal), y: min(2, height - 1), jump: -1, step: 0, direction: 1)
        while solid(start.x, start.y) && start.y > 0 { start.y -= 1 }
        return start
    }

    /// A* from column 2, row 2 (the VGLC's start) to the rightmost column, with the distance to
    /// it as the heuristic.
    func run() -> Outcome {
        let goal = level.width - 1
        let start = PlatformerAgent.start(height: level.height, goal: goal, solid: isSolid)
        var reached = Reached(slots: level.width * level.height * (PlatformerAgent.jumps.count + 1) * PlatformerAgent.longestArc * 2)
        reached[index(start)] = Reached.Entry(cost: 0, steps: 0)
        var heap = MinHeap<Candidate>()
        var order = 0
        func push(_ priority: Double, _ state: State) {
            heap.push(Candidate(priority: priority, order: order, state: state))
            order += 1
        }
        push(Double(goal - start.x), start)
        var furthest = start.x
        var expanded = 0
        while let state = heap.pop()?.state {
            expanded += 1
            if expanded > budget { return Outcome(playable: false, furthestColumn: furthest, pathLength: nil, exhausted: true) }
            let slot = index(state)
            let here = reached[slot]
            if state.x == goal { return Outcome(playable: true, furthestColumn: goal, pathLength: Int(here.steps)) }
            PlatformerAgent.forEachMove(from: state, width: level.width, height: level.height, solid: isSolid) { next, c in
                let total = here.cost + c
                let nextSlot = index(next)
                if reached[nextSlot].cost <= total { return }
                reached[nextSlot] = Reached.Entry(cost: total, steps: here.steps + 1)
                furthest = max(furthest, next.x)
                push(total + Double(goal - next.x), next)
            }
        }
        return Outcome(playable: false, furthestColumn: furthest, pathLength: nil)
    }

    /// The cost and move count of each state reached, by slot: a flat table for levels of
    /// ordinary size (16 bytes a slot: 8 MB for 200 columns of 14 rows), a dictionary beyond a
    /// million slots, so that memory grows with the states reached rather than with the level.
    struct Reached {
        struct Entry {
            var cost: Double, steps: Int32
        }
        static let unreached = Entry(cost: .infinity, steps: 0)
        private var flat: [Entry]
        private var sparse: [Int: Entry] = [:]

        init(slots: Int) { flat = slots <= 1_000_000 ? Array(repeating: Reached.unreached, count: slots) : [] }

        subscript(slot: Int) -> Entry {
            get { flat.isEmpty ? sparse[slot, default: Reached.unreached] : flat[slot] }
            set {
                if flat.isEmpty { sparse[slot] = newValue } else { flat[slot] = newValue }
            }
        }
    }
}
