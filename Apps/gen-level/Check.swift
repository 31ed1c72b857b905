// gen-level check: the format and the playability of level files.
import Foundation
import GenEngine

func check(_ args: Arguments) throws {
    guard !args.positionals.isEmpty else { throw CLIError.usage("give one or more level files") }
    var failures = 0
    for path in args.positionals {
        do {
            let level = try Level.read(contentsOf: path, legend: Legend.smb)
            let outcome = PlatformerAgent(level: level, solid: Legend.smb.solid).run()
            if outcome.playable {
                print("\(path): playable (\(level.width)×\(level.height), path of \(outcome.pathLength ?? 0) moves)")
            } else {
                print("\(path): not playable: the path breaks at column \(outcome.furthestColumn) of \(level.width)")
                failures += 1
            }
        } catch let error as UserFacingError {
            print("\(path): \(error.description)")
            failures += 1
        }
    }
    if failures > 0 { throw CLIError("\(failures) of \(args.positionals.count) levels failed", code: .dataError) }
}
