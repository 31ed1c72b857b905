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

    /// The outcome: whether the right edge was reached, the furthest column reached, and the
    /// number of moves of the path found (nil when none).
    struct Outcome: Equatable {
        var playable: Bool
        var furthestColumn: Int
        var pathLength: Int?
    }

    /// A state waiting in the search, by priority, ties in the order they were found (so searches
    /// are deterministic).
    struct Candidate: Comparable {
        var priority: Double, order: Int, state: State
        static func < (a: Self, b: Self) -> Bool { (a.priority, a.order) < (b.priority, b.order) }
        static func == (a: Self, b: Self) -> Bool { (a.priority, a.order) == (b.priority, b.order) }
    }

    /// One search state: position, and the jump under way (arc, step, direction) or none.
    struct State: Hashable {
        var x: Int, y: Int, jump: Int, step: Int, direction: Int
    }

    let level: Level
    let solid: Set<Character>
    /// Expanded states before the search gives up (every search has a budget).
    var budget = 2_000_000

    func isSolid(_ x: Int, _ y: Int) -> Bool {
        guard x >= 0, x < level.width, y >= 0, y < level.height else { return false }
        return solid.contains(level.rows[y][x])
    }

    func inside(_ x: Int, _ y: Int) -> Bool { x >= 0 && x < level.width && y < level.height }

    /// The moves from `s` with their costs (VGLC's `getNeighbors`, without horizontal wrapping).
    func moves(_ s: State) -> [(State, Double)] {
        var out: [(State, Double)] = []
        let below = s.y + 1
        guard below < level.height else { return out }  // fell out of the level
        if s.jump >= 0 {
            let step = s.step + 1
            let arc = PlatformerAgent.jumps[s.jump]
            if step < arc.count {
                let dx = (arc[step].0 - arc[step - 1].0) * s.direction
                let dy = arc[step].1 - arc[step - 1].1
                let nx = s.x + dx
                let ny = max(0, s.y + dy)
                if inside(nx, ny) && !isSolid(nx, ny) {
                    out.append((State(x: nx, y: ny, jump: s.jump, step: step, direction: s.direction), 1))
                }
            }
        }
        if isSolid(s.x, below) {
            for dx in [1, -1] where inside(s.x + dx, s.y) && !isSolid(s.x + dx, s.y) {
                out.append((State(x: s.x + dx, y: s.y, jump: -1, step: 0, direction: 1), 1))
            }
            for (j, arc) in PlatformerAgent.jumps.enumerated() {
                for direction in [1, -1] {
                    let nx = s.x + arc[0].0 * direction
                    let ny = max(0, s.y + arc[0].1)
                    if inside(nx, ny) && !isSolid(nx, ny) {
                        out.append((State(x: nx, y: ny, jump: j, step: 0, direction: direction), 1))
                    }
                }
            }
        } else {
            out.append((State(x: s.x, y: below, jump: -1, step: 0, direction: 1), 1))
            for dx in [1, -1] where inside(s.x + dx, below) && !isSolid(s.x + dx, below) {
                out.append((State(x: s.x + dx, y: below, jump: -1, step: 0, direction: 1), 1.4))
            }
        }
        return out
    }

    /// A* from column 2, row 2 (the VGLC's start) to the rightmost column, with the distance to
    /// it as the heuristic.
    func run() -> Outcome {
        let goal = level.width - 1
        var start = State(x: min(2, goal), y: min(2, level.height - 1), jump: -1, step: 0, direction: 1)
        while isSolid(start.x, start.y) && start.y > 0 { start.y -= 1 }
        var cost: [State: Double] = [start: 0]
        var steps: [State: Int] = [start: 0]
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
            if expanded > budget { break }
            if state.x == goal { return Outcome(playable: true, furthestColumn: goal, pathLength: steps[state]) }
            let base = cost[state]!
            for (next, c) in moves(state) {
                let total = base + c
                if let known = cost[next], known <= total { continue }
                cost[next] = total
                steps[next] = steps[state]! + 1
                furthest = max(furthest, next.x)
                push(total + Double(goal - next.x), next)
            }
        }
        return Outcome(playable: false, furthestColumn: furthest, pathLength: nil)
    }
}
