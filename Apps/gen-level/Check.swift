// gen-level check: the format and the playability of level files.
import Foundation
import GenEngine

func check(_ args: Arguments) throws {
    guard !args.positionals.isEmpty else { throw CLIError.usage("give one or more level files") }
    let (_, legend) = try gameLegend(args, game: GameOptions.game, legend: GameOptions.legend)
    var failures = 0
    for path in args.positionals {
        do {
            let level = try Level.read(contentsOf: path, legend: legend)
            let outcome = legend.play(level)
            if outcome.playable {
                print("\(path): playable (\(level.width)×\(level.height), path of \(outcome.pathLength ?? 0) moves)")
            } else {
                print("\(path): not playable: \(outcome.failure ?? "")")
                failures += 1
            }
        } catch let error as UserFacingError {
            print("\(path): \(error.description)")
            failures += 1
        }
    }
    if failures > 0 { throw CLIError("\(failures) of \(args.positionals.count) levels failed", code: .dataError) }
}
