// libFuzzer target: gen-level's level text and legend JSON readers, and what reads levels after
// them. The first byte chooses: 0 a Super Mario level and its A* agent, 1 a legend, 2 a dungeon
// level, its key-and-door search and the dungeon repair (any layout must give a dungeon or nil).
import Foundation
import GenEngine

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLevel(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let body = Data(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let text = String(decoding: body, as: UTF8.self)
    switch data[0] % 3 {
    case 0:
        if let level = try? Level.read(text, source: "fuzz.txt", legend: .smb), level.width <= 400 {
            _ = PlatformerAgent(level: level, solid: Legend.smb.solid).run()
        }
    case 1:
        _ = try? Legend.read(body, source: "fuzz.json")
    default:
        if let level = try? Level.read(text, source: "fuzz.txt", legend: .dungeon), level.width * level.height <= 10_000 {
            _ = Legend.dungeon.play(level)
            var rng = RNG(seed: UInt64(size))
            if let dungeon = try? DungeonRepair(legend: .dungeon, source: "dungeon").repair(level, doorCount: 3, rng: &rng) {
                precondition(Legend.dungeon.play(dungeon).playable, "a repaired dungeon must be solvable")
            }
        }
    }
    return 0
}
