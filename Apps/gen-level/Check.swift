// gen-level check: the format and the playability of level files.
import Foundation
import GenEngine

func check(_ args: Arguments) throws {
    guard !args.positionals.isEmpty else { throw CLIError.usage("give one or more level files") }
    let (_, legend) = try gameLegend(args, game: GameOptions.game, legend: GameOptions.legend)
    var failures = 0
    let files = try args.positionals.flatMap(levelPaths)  // a folder stands for its *.txt levels, as for eval
    guard !files.isEmpty else { throw CLIError.badData("\(args.positionals.joined(separator: ", ")): no .txt levels") }
    for path in files {
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
            print(error.description.hasPrefix(path) ? error.description : "\(path): \(error.description)")
            failures += 1
        }
    }
    if failures > 0 { throw CLIError("\(failures) of \(files.count) levels failed", code: .dataError) }
}
