// libFuzzer target: gen-music's MIDI reader, and a file's way into a score (pickup, metre).
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMIDI(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, let (file, _) = try? MIDIFile.read(Array(UnsafeBufferPointer(start: data, count: size))) else { return 0 }
    let midi = (try? music(file, path: "fuzz.mid"))?.midi ?? file  // as train, eval and --primer read it
    _ = try? Score(midi: midi, voices: 4)
    _ = inspection(of: file, path: "fuzz.mid")
    return 0
}
