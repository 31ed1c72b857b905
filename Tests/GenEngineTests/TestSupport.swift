import Foundation
import XCTest

@testable import GenEngine

/// Random tensor with values in [low, high) from a fixed stream.
func randomTensor(_ shape: [Int], low: Float = -1, high: Float = 1, seed: UInt64 = 1) -> Tensor {
    var rng = RNG(seed: seed, stream: "test")
    return Tensor.uniform(shape, low: low, high: high, rng: &rng)
}

/// Checks the autodiff gradient of `f` (any output shape; reduced through a fixed random
/// projection) against central finite differences, for every input element.
func checkGradients(
    _ inputs: [Tensor], eps: Float = 1e-2, tolerance: Float = 2e-2,
    file: StaticString = #filePath, line: UInt = #line, _ f: ([Tensor]) -> Tensor
) {
    // Project to a scalar with fixed weights so every output element matters.
    var projection: Tensor?
    func scalar(_ xs: [Tensor]) -> Tensor {
        let y = f(xs)
        if projection == nil { projection = randomTensor(y.shape, low: 0.5, high: 1.5, seed: 99) }
        return (y * projection!).sum()
    }
    let (_, grads) = valueAndGrad(inputs, scalar)
    for (k, input) in inputs.enumerated() {
        var worst: Float = 0
        for i in 0..<input.count {
            func shifted(_ delta: Float) -> Float {
                var xs = inputs
                xs[k].withUnsafeMutableBufferPointer { $0[i] += delta }
                return noGrad { scalar(xs).item }
            }
            let numeric = (shifted(eps) - shifted(-eps)) / (2 * eps)
            let analytic = grads[k].scalars[i]
            let error = Swift.abs(numeric - analytic) / Swift.max(1, Swift.abs(numeric))
            worst = Swift.max(worst, error)
        }
        XCTAssertLessThan(worst, tolerance, "input \(k): worst relative gradient error \(worst)", file: file, line: line)
    }
}

func assertClose(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "lengths differ", file: file, line: line)
    for (i, (x, y)) in zip(a, b).enumerated() where Swift.abs(x - y) > tolerance * Swift.max(1, Swift.abs(y)) {
        XCTFail("element \(i): \(x) vs \(y)", file: file, line: line)
        return
    }
}

/// A committed fixture file.
func fixture(_ name: String) -> URL {
    Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!
}

/// A fresh temporary folder, removed by the caller's teardown.
func temporaryFolder() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("gensuite-test-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
