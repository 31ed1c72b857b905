// libFuzzer target: augment's pipeline specs, inline (`hflip:p=0.5; rotate:limit=15`) or
// albumentations' serialised JSON.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPipeline(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    _ = try? Pipeline.parse(String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self))
    return 0
}
