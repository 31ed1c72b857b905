// Whether a level can be played, by the agent its legend's view calls for: the platformer A*
// agent from the side, the key-and-door search from above.

/// What an agent found.
struct PathOutcome: Equatable {
    var playable: Bool
    /// Moves of the path found (nil when none).
    var pathLength: Int?
    /// From the side: the furthest column reached (the last when playable); from above, 0 or the last.
    var furthestColumn: Int
    /// Why the level cannot be played, and where (nil when it can).
    var failure: String?
}

extension Legend {
    /// Plays `level` with the agent of this legend's view.
    func play(_ level: Level) -> PathOutcome {
        switch view {
        case .top:
            return KeyDoorSearch(level: level, legend: self).run()
        case .side:
            let agent = PlatformerAgent(level: level, solid: solid)
            let outcome = agent.run()
            let failure =
                outcome.exhausted
                ? "the agent's search stopped after \(agent.budget) steps at column \(outcome.furthestColumn) of \(level.width), "
                    + "undecided: a level this long is beyond it (check it in pieces, or generate with --no-require-path)"
                : "the path breaks at column \(outcome.furthestColumn) of \(level.width)"
            return PathOutcome(
                playable: outcome.playable, pathLength: outcome.pathLength, furthestColumn: outcome.furthestColumn,
                failure: outcome.playable ? nil : failure)
        }
    }
}
