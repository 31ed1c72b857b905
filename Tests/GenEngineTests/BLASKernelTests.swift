import CBLAS
import CKernels
import XCTest

@testable import GenEngine

/// The BLAS kernel choice: never a generic kernel where the CPU has AVX2, the selection policy,
/// and a real switch of OpenBLAS's kernel table.
final class BLASKernelTests: XCTestCase {
    func testNoGenericKernelOnAnAVX2Machine() throws {
        let blas = BLASKernel.active
        guard blas.cpu >= .avx2 else { throw XCTSkip("CPU without AVX2 (\(blas.cpu)): any kernel is fine") }
        if blas.selection == .userSet {
            // The user's own OPENBLAS_CORETYPE is kept, whatever it is.
            let asked = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? ""
            XCTAssertEqual(blas.core.lowercased(), asked.lowercased(), "OPENBLAS_CORETYPE=\(asked) was not kept")
            return
        }
        XCTAssertTrue(
            blas.isNative,
            "\(blas.library) runs the generic kernel \(blas.core) on a \(blas.cpu) CPU "
                + "(selection: \(blas.selection.rawValue), detected \(blas.detectedCore))")
    }

    func testPolicyReplacesOnlyAFallback() {
        let all: (String) -> Bool = { _ in true }
        func pick(_ detected: String, _ cpu: SIMDLevel, amdFamily: Int = 0, available: (String) -> Bool = all) -> String? {
            BLASKernel.preferredCore(detected: detected, cpu: cpu, amdFamily: amdFamily, available: available)
        }
        // OpenBLAS 0.3.21 on Sapphire Rapids (AVX-512 with BF16) detects Prescott.
        XCTAssertEqual(pick("Prescott", .avx512BF16), "Cooperlake")
        XCTAssertEqual(pick("Prescott", .avx512), "SkylakeX")
        XCTAssertEqual(pick("Prescott", .avx512BF16, available: { $0 != "Cooperlake" }), "SkylakeX")
        XCTAssertEqual(pick("Haswell", .avx512), "SkylakeX")
        XCTAssertEqual(pick("Prescott", .avx2), "Haswell")
        XCTAssertEqual(pick("Prescott", .avx2, amdFamily: 0x19), "Zen")
        XCTAssertEqual(pick("Prescott", .avx512, amdFamily: 0x19), "SkylakeX")
        XCTAssertEqual(pick("Nehalem", .avx), "Sandybridge")
        // A native choice is kept; on AMD Zen 4 an AVX2 core counts as native, on Zen 5 (full-width
        // AVX-512) it does not.
        XCTAssertNil(pick("Cooperlake", .avx512BF16))
        XCTAssertNil(pick("SkylakeX", .avx512))
        XCTAssertNil(pick("Zen", .avx512BF16, amdFamily: 0x19))
        XCTAssertEqual(pick("Zen", .avx512BF16, amdFamily: 0x1A), "Cooperlake")
        XCTAssertEqual(pick("Haswell", .avx512, amdFamily: 0x1A), "SkylakeX")
        XCTAssertNil(pick("Haswell", .avx2))
        XCTAssertNil(pick("Prescott", .sse3))
        // Nothing better in the library: keep what it chose.
        XCTAssertNil(pick("Prescott", .avx2, available: { _ in false }))
    }

    func testSwitchingTheKernelKeepsProducts() throws {
        let blas = BLASKernel.active
        let environment = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
        guard gk_blas_has_core("Prescott") != 0 else { throw XCTSkip("\(blas.library) has no runtime kernel selection") }
        let a = randomTensor([70, 130], seed: 1)
        let b = randomTensor([130, 90], seed: 2)
        let expected = matmul(a, b).scalars
        XCTAssertEqual(gk_blas_switch_core("Prescott"), 0)
        defer { _ = gk_blas_switch_core(blas.core) }
        XCTAssertEqual(String(cString: openblas_get_corename()), "Prescott")
        let generic = matmul(a, b).scalars
        for (x, y) in zip(generic, expected) { XCTAssertEqual(x, y, accuracy: 1e-4 * max(1, abs(y))) }
        XCTAssertEqual(gk_blas_switch_core(blas.core), 0)
        XCTAssertEqual(String(cString: openblas_get_corename()), blas.core)
        XCTAssertEqual(
            ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], environment,
            "switching leaves the environment as it was")
    }

    func testFMAPeakIsMeasured() {
        guard BLASKernel.active.cpu >= .avx2 else { return }
        XCTAssertGreaterThan(BLASKernel.measuredFMAPeak(threads: 1, seconds: 0.05), 1)
    }
}
