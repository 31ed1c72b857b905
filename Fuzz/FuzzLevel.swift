// libFuzzer target: gen-level's level text (the Super Mario legend) and legend JSON readers. The
// first byte chooses which: even a level, odd a legend.
import Foundation
import GenEngine

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLevel(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let body = Data(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if data[0] % 2 == 0 {
        if let level = try? Level.read(String(decoding: body, as: UTF8.self), source: "fuzz.txt", legend: .smb), level.width <= 400 {
            _ = PlatformerAgent(level: level, solid: Legend.smb.solid).run()
        }
    } else {
        _ = try? Legend.read(body, source: "fuzz.json")
    }
    return 0
}
