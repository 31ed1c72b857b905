// The repair step of a top-down level: a layout of walls and floor (as WaveFunctionCollapse draws
// it) becomes a dungeon. Its rooms (floor regions of at least six cells; smaller ones are walled
// up) are joined by tunnels dug from the joined part to the nearest room; the start
// and the exit go to the two ends of its longest shortest walk (a double breadth-first search);
// locked doors go on cells of that walk which every way from start to exit passes (chokepoints,
// spread along it), and each door's key somewhere reachable before that door, in the stretch
// after the door before it where there is room. Keys therefore always come before their doors.
import GenEngine

struct DungeonRepair {
    /// Floor regions smaller than this are walled up rather than joined.
    static let minimumRoom = 6
    /// Grid cells the chokepoint tests may visit in all.
    static let searchBudget = 50_000_000
    /// The largest grid repaired (width × height): joining rooms costs a search of the grid per room.
    static let maxCells = 250_000
    let legend: Legend
    let wall: Character, floor: Character, start: Character, goal: Character
    /// Door letters in the order they are placed from the start, each with its key.
    let doors: [(door: Character, key: Character)]

    /// The repair of `legend`'s tiles (the legend read from `source`): throws `LevelError` when
    /// it lacks a wall (or solid), a floor (or empty), a start or a goal tile.
    init(legend: Legend, source: String) throws {
        func one(_ property: String, or other: String? = nil) throws -> Character {
            for name in [property] + (other.map { [$0] } ?? []) {
                if let tile = legend.tiles(with: name).sorted().first { return tile }
            }
            throw LevelError(source: source, line: 1, message: "a top-view legend needs a \"\(property)\" tile")
        }
        self.legend = legend
        (wall, floor, start, goal) = (try one("wall", or: "solid"), try one("floor", or: "empty"), try one("start"), try one("goal"))
        let keys = legend.tiles(with: "key")
        doors = legend.tiles(with: "door").sorted().compactMap { door in
            keys.first { String($0) == door.lowercased() }.map { (door, $0) }
        }
    }

    /// The dungeon made of `layout` with up to `doorCount` locked doors (fewer when the walk has
    /// fewer chokepoints), or nil when it has no room.
    func repair(_ layout: Level, doorCount: Int, rng: inout RNG) -> Level? {
        let (width, height) = (layout.width, layout.height)
        let solid = legend.solid
        // Placed tiles the layout may have learned (start, goal, every door and key) become floor;
        // other passable tiles stay.
        let placed = Set([start, goal]).union(legend.tiles(with: "door")).union(legend.tiles(with: "key"))
        var grid = layout.rows.map { $0.map { placed.contains($0) ? floor : solid.contains($0) ? wall : $0 } }
        func open(_ i: Int) -> Bool { !solid.contains(grid[i / width][i % width]) }
        func neighbours(_ i: Int) -> [Int] { Level.neighbours(of: i, width: width, height: height) }
        /// Distances from `source` over open cells, not entering `blocked`; -1 where unreached.
        func distances(from source: Int, blocked: Set<Int> = []) -> [Int] {
            var d = [Int](repeating: -1, count: width * height)
            var queue = [source]
            d[source] = 0
            var head = 0
            while head < queue.count {
                let i = queue[head]
                head += 1
                for j in neighbours(i) where d[j] < 0 && open(j) && !blocked.contains(j) {
                    d[j] = d[i] + 1
                    queue.append(j)
                }
            }
            return d
        }
        // Rooms of fewer than `minimumRoom` cells are walled up; the others are joined into one
        // by digging the shortest tunnel from the joined part to the nearest room, until none is left.
        var component = [Int](repeating: -1, count: width * height)
        var rooms = 0
        for i in 0..<(width * height) where open(i) && component[i] == -1 {
            // One flood fill per region, each cell visited once.
            var cells = [i]
            component[i] = -2
            var head = 0
            while head < cells.count {
                for j in neighbours(cells[head]) where open(j) && component[j] == -1 {
                    component[j] = -2
                    cells.append(j)
                }
                head += 1
            }
            if cells.count < DungeonRepair.minimumRoom {
                for j in cells { grid[j / width][j % width] = wall }
                continue
            }
            for j in cells { component[j] = rooms }
            rooms += 1
        }
        guard rooms > 0 else { return nil }
        var joined = Set(component.indices.filter { component[$0] == 0 })
        var joinedRooms: Set = [0]
        while joinedRooms.count < rooms {
            // Breadth-first from every joined cell at once, through walls, to the first other room.
            var from = [Int](repeating: -2, count: width * height)
            var queue = Array(joined).sorted()
            for i in queue { from[i] = -1 }
            var head = 0
            var reached = -1
            while head < queue.count && reached < 0 {
                let i = queue[head]
                head += 1
                for j in neighbours(i) where from[j] == -2 {
                    from[j] = i
                    if component[j] >= 0 && !joined.contains(j) {
                        reached = j
                        break
                    }
                    queue.append(j)
                }
            }
            guard reached >= 0 else { break }
            var cell = from[reached]
            while from[cell] != -1 {
                grid[cell / width][cell % width] = floor
                cell = from[cell]
            }
            let all = distances(from: reached)  // the tunnel, the room, and what they now join
            joined.formUnion(all.indices.filter { all[$0] >= 0 })
            joinedRooms.formUnion(joined.compactMap { component[$0] >= 0 ? component[$0] : nil })
        }
        let any = joined.min()!
        // Start and exit: the ends of the longest shortest walk.
        let fromAny = distances(from: any)
        let u = fromAny.indices.max { fromAny[$0] < fromAny[$1] }!
        let fromU = distances(from: u)
        let v = fromU.indices.max { fromU[$0] < fromU[$1] }!
        var walk = [v]
        while walk.last! != u { walk.append(neighbours(walk.last!).first { fromU[$0] == fromU[walk.last!] - 1 }!) }
        walk.reverse()
        // Chokepoints of the walk, split into as many stretches as doors, one drawn from each.
        // (Each test is a search of the grid: on a long walk, a spread of its cells is tested.)
        let inner = Array(walk.indices.dropFirst(2).dropLast(2))
        let stride = max(1, inner.count * width * height / DungeonRepair.searchBudget)
        let chokepoints = inner.enumerated().filter { $0.offset % stride == 0 }.map(\.element).filter {
            distances(from: u, blocked: [walk[$0]])[v] < 0
        }
        let count = min(doorCount, doors.count, chokepoints.count)
        var doorCells: [Int] = []
        for k in 0..<count {
            let stretch = chokepoints[(k * chokepoints.count / count)..<((k + 1) * chokepoints.count / count)]
            doorCells.append(walk[stretch[stretch.startIndex + rng.int(below: stretch.count)]])
        }
        // Each key: before its door (its later doors closed), in its own stretch when it can be.
        var earlier = Set<Int>()
        for (k, cell) in doorCells.enumerated() {
            let reach = distances(from: u, blocked: Set(doorCells[k...]))
            let free = reach.indices.filter { reach[$0] > 0 && $0 != v && grid[$0 / width][$0 % width] == floor && !doorCells.contains($0) }
            let fresh = free.filter { !earlier.contains($0) }
            let choices = fresh.isEmpty ? free : fresh
            earlier.formUnion(free)
            guard !choices.isEmpty else { continue }
            let keyCell = choices[rng.int(below: choices.count)]
            grid[cell / width][cell % width] = doors[k].door
            grid[keyCell / width][keyCell % width] = doors[k].key
        }
        grid[u / width][u % width] = start
        grid[v / width][v % width] = goal
        return Level(rows: grid)
    }
}
