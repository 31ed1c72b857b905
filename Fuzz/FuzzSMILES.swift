// libFuzzer target: gen-molecule's SMILES parser and sanitiser, then the canonical form.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSMILES(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    if case .success(let molecule) = readMolecule(bytes: Array(UnsafeBufferPointer(start: data, count: size))) {
        _ = try? molecule.canonicalSMILES()
    }
    return 0
}
