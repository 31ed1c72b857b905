import CBLAS
import CKernels
import Foundation

/// The BLAS library and kernel that run the engine's matrix products, chosen once, before the
/// first product.
///
/// Debian's OpenBLAS picks a kernel table ("core") from the CPU model when it loads. A release
/// older than the CPU falls back to a generic core: OpenBLAS 0.3.21 on an Intel Sapphire Rapids
/// says `Prescott` (SSE3) and runs SGEMM 3–7× slower than with `SkylakeX` (OpenBLAS issue 4267).
/// The engine compares the core OpenBLAS chose with what the CPU supports (CPUID, with the OS's
/// register support checked) and, when the core uses less, re-runs OpenBLAS's selection with the
/// best core that this library was built with. A user's own `OPENBLAS_CORETYPE` is always kept.
///
/// Results can differ in the last bits between kernels (each blocks its sums differently); they
/// never depend on `GEN_THREADS` (see `GEMM`).
public struct BLASKernel: Sendable {
    /// How the kernel in use came to be chosen.
    public enum Selection: String, Sendable {
        /// OpenBLAS's own choice, which already uses what the CPU has.
        case detected
        /// The engine replaced OpenBLAS's choice (`detectedCore`) with `core`.
        case reselected
        /// The user set `OPENBLAS_CORETYPE`; kept as it is.
        case userSet = "user-set"
        /// OpenBLAS's choice uses less than the CPU has, and no better core could be selected.
        case fallback
    }

    /// The library's name and version, e.g. `OpenBLAS 0.3.21`.
    public let library: String
    /// The library's build configuration string (`openblas_get_config()`).
    public let config: String
    /// The kernel table in use, as OpenBLAS names it (`Cooperlake`, `Haswell`, `Prescott`, …).
    public let core: String
    /// The kernel table OpenBLAS chose by itself at load time.
    public let detectedCore: String
    /// The widest SIMD the CPU and OS support.
    public let cpu: SIMDLevel
    /// How `core` was chosen.
    public let selection: Selection

    /// The kernel in use; touching it the first time makes the choice (before any BLAS call).
    public static let active: BLASKernel = select()

    /// Whether `core` uses the SIMD the CPU offers, i.e. it is not a generic fallback.
    public var isNative: Bool {
        BLASKernel.level(ofCore: core) >= BLASKernel.sufficientLevel(cpu: cpu, amdFamily: Int(gk_cpu_amd_family()))
    }

    static func select() -> BLASKernel {
        openblas_set_num_threads(1)
        _ = gk_blas_stop_threads()
        let detected = String(cString: openblas_get_corename())
        let cpu = SIMDLevel(rawValue: Int(gk_cpu_simd_level().rawValue)) ?? .none
        let amdFamily = Int(gk_cpu_amd_family())
        var selection = Selection.detected
        if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] != nil {
            selection = .userSet
        } else if let better = preferredCore(
            detected: detected, cpu: cpu, amdFamily: amdFamily,
            available: { gk_blas_has_core($0) != 0 })
        {
            selection = gk_blas_switch_core(better) == 0 ? .reselected : .fallback
        } else if level(ofCore: detected) < sufficientLevel(cpu: cpu, amdFamily: amdFamily) {
            selection = .fallback
        }
        let config = String(cString: openblas_get_config())
        let library = config.split(separator: " ").prefix(2).joined(separator: " ")
        return BLASKernel(
            library: library, config: config, core: String(cString: openblas_get_corename()),
            detectedCore: detected, cpu: cpu, selection: selection)
    }

    /// The core to switch to, or nil to keep `detected`: the best core the library has whose
    /// SIMD level is above the detected one's and within the CPU's. `amdFamily` is the CPU family
    /// of an AMD CPU, 0 on others.
    ///
    /// On AMD Zen 4 (family 0x19) an AVX2 core counts as sufficient even where AVX-512 exists: it
    /// executes a 512-bit FMA as two 256-bit halves, and OpenBLAS 0.3.21 measured `Zen` at 103
    /// GFLOPS against `SkylakeX` at 100 on one Zen 4 core (SGEMM 2048³). Zen 5 (0x1A) has
    /// full-width 512-bit units: there `Haswell` reached 219 GFLOPS and `Cooperlake` 381 (SGEMM
    /// 1024³, 2 threads, gen-bench), so only an AVX-512 core is sufficient. (Zen 5 laptop parts,
    /// also 0x1A, split 512-bit operations like Zen 4; there an AVX-512 core measured about level
    /// with an AVX2 one on Zen 4, so choosing it costs little.)
    static func preferredCore(detected: String, cpu: SIMDLevel, amdFamily: Int, available: (String) -> Bool) -> String? {
        let have = level(ofCore: detected)
        guard have < sufficientLevel(cpu: cpu, amdFamily: amdFamily) else { return nil }
        var candidates: [String] = []
        if cpu >= .avx512BF16 { candidates.append("Cooperlake") }
        if cpu >= .avx512 { candidates.append("SkylakeX") }
        if cpu >= .avx2 { candidates += amdFamily > 0 ? ["Zen", "Haswell"] : ["Haswell", "Zen"] }
        if cpu >= .avx { candidates.append("Sandybridge") }
        return candidates.first { level(ofCore: $0) > have && available($0) }
    }

    /// The SIMD level that a core of OpenBLAS 0.3.x uses for SGEMM.
    static func level(ofCore core: String) -> SIMDLevel {
        switch core.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": return .avx512
        case "haswell", "zen": return .avx2
        case "sandybridge", "bulldozer", "piledriver", "steamroller", "excavator": return .avx
        default: return .sse3
        }
    }

    /// The lowest core level that runs at this CPU's speed (see `preferredCore`).
    static func sufficientLevel(cpu: SIMDLevel, amdFamily: Int) -> SIMDLevel {
        let top = min(cpu, .avx512)
        return amdFamily == 0x19 ? min(top, .avx2) : top
    }
}

/// The widest vector instructions the CPU and the operating system support.
public enum SIMDLevel: Int, Comparable, Sendable, CustomStringConvertible {
    case none = 0
    case sse3, avx, avx2, avx512, avx512BF16

    public static func < (a: SIMDLevel, b: SIMDLevel) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .none: return "none"
        case .sse3: return "SSE3"
        case .avx: return "AVX"
        case .avx2: return "AVX2+FMA"
        case .avx512: return "AVX-512"
        case .avx512BF16: return "AVX-512+BF16"
        }
    }
}

extension BLASKernel {
    /// Single-precision FMA peak of this machine in GFLOPS, measured: every thread runs a chain of
    /// register-only fused multiply-adds at the CPU's widest vector width for about `seconds`.
    /// 0 on CPUs without FMA.
    public static func measuredFMAPeak(threads: Int, seconds: Double = 0.3) -> Double {
        let iterations = 1 << 20
        let start = DispatchTime.now().uptimeNanoseconds
        var flops = 0.0
        var elapsed = 0.0
        repeat {
            let perThread = UnsafeMutablePointer<Double>.allocate(capacity: threads)
            defer { perThread.deallocate() }
            DispatchQueue.concurrentPerform(iterations: threads) { t in perThread[t] = gk_fma_peak_loop(iterations) }
            flops += (0..<threads).reduce(0) { $0 + perThread[$1] }
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < seconds && flops > 0
        return elapsed > 0 ? flops / elapsed / 1e9 : 0
    }
}
