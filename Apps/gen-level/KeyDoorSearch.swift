// Whether a top-down level can be played: from its start tile to a goal tile, stepping up,
// down, left and right over tiles that are not solid. A door (the legend's "door" property) opens
// once the player holds the key of the same letter in lower case ("key"): the search walks all
// it can reach, picks up the keys there, opens their doors and walks on, until the goal is
// reached or nothing more opens. Exact when each door has its own key, as here (keys are not
// used up, so the order they are picked up in does not matter).

struct KeyDoorSearch {
    let level: Level
    let legend: Legend

    /// The positions of tiles with `property`, row by row.
    func positions(of property: String) -> [(x: Int, y: Int)] {
        let tiles = legend.tiles(with: property)
        return level.rows.enumerated().flatMap { y, row in row.indices.filter { tiles.contains(row[$0]) }.map { (x: $0, y: y) } }
    }

    func run() -> PathOutcome {
        let starts = positions(of: "start")
        let goals = positions(of: "goal")
        guard starts.count == 1, !goals.isEmpty else {
            return PathOutcome(
                playable: false, furthestColumn: 0,
                failure: "a dungeon needs one start and an exit (it has \(starts.count) and \(goals.count))")
        }
        let start = starts[0]
        let (width, height) = (level.width, level.height)
        let exits = Set(goals.map { $0.y * width + $0.x })
        let solid = legend.solid
        let doors = legend.tiles(with: "door")
        let keys = legend.tiles(with: "key")
        var held = Set<Character>()
        var reached = [Bool](repeating: false, count: width * height)
        var frontier = [start.y * width + start.x]
        reached[frontier[0]] = true
        var waiting: [Int] = []  // doors met but still locked
        func passable(_ i: Int) -> Bool {
            let tile = level.rows[i / width][i % width]
            if doors.contains(tile) { return held.contains(Character(tile.lowercased())) }
            return !solid.contains(tile)
        }
        while true {
            while let i = frontier.popLast() {
                let tile = level.rows[i / width][i % width]
                if keys.contains(tile) { held.insert(tile) }
                for j in Level.neighbours(of: i, width: width, height: height) where !reached[j] {
                    if passable(j) {
                        reached[j] = true
                        frontier.append(j)
                    } else if doors.contains(level.rows[j / width][j % width]) {
                        waiting.append(j)
                    }
                }
            }
            let opened = waiting.filter { !reached[$0] && passable($0) }
            guard !opened.isEmpty else { break }
            for j in opened {
                reached[j] = true
                frontier.append(j)
            }
            waiting.removeAll { reached[$0] }
        }
        guard exits.contains(where: { reached[$0] }) else {
            let locked = Set(waiting.filter { !reached[$0] }).sorted().map {
                "\(level.rows[$0 / width][$0 % width]) at column \($0 % width), row \($0 / width)"
            }
            return PathOutcome(
                playable: false, furthestColumn: 0,
                failure: "no exit (the first at column \(goals[0].x), row \(goals[0].y)) can be reached from the start at column "
                    + "\(start.x), row \(start.y)"
                    + (locked.isEmpty ? "" : "; still locked: " + locked.joined(separator: ", ")))
        }
        return PathOutcome(playable: true, pathLength: shortestWalk(from: start, to: exits), furthestColumn: width - 1)
    }

    /// Largest search of `shortestWalk` (cells × key sets).
    static let maxStates = 20_000_000

    /// Steps of the shortest walk from `a` to the nearest of the cells `exits` (`y * width + x`)
    /// that picks up the keys it needs on the way: a breadth-first search over (cell, keys held).
    /// Nil when no walk exists, or when the level holds so many kinds of key that the search
    /// would pass `maxStates`.
    func shortestWalk(from a: (x: Int, y: Int), to exits: Set<Int>) -> Int? {
        let (width, height) = (level.width, level.height)
        let solid = legend.solid
        let doors = legend.tiles(with: "door")
        let kinds = Array(Set(level.rows.joined()).intersection(legend.tiles(with: "key"))).sorted()
        let bit = Dictionary(uniqueKeysWithValues: kinds.enumerated().map { ($1, 1 << $0) })
        let sets = 1 << kinds.count
        guard kinds.count < 24, width * height * sets <= KeyDoorSearch.maxStates else { return nil }
        var steps = [Int32](repeating: -1, count: width * height * sets)
        var queue = [(a.y * width + a.x) * sets]
        steps[queue[0]] = 0
        var head = 0
        while head < queue.count {
            let from = queue[head]
            head += 1
            let (cell, held) = (from / sets, from % sets)
            if exits.contains(cell) { return Int(steps[from]) }
            for j in Level.neighbours(of: cell, width: width, height: height) {
                let tile = level.rows[j / width][j % width]
                var next = held
                if doors.contains(tile) {
                    guard let key = bit[Character(tile.lowercased())], held & key != 0 else { continue }
                } else if solid.contains(tile) {
                    continue
                } else if let key = bit[tile] {
                    next |= key
                }
                let state = j * sets + next
                if steps[state] < 0 {
                    steps[state] = steps[from] + 1
                    queue.append(state)
                }
            }
        }
        return nil
    }

}
