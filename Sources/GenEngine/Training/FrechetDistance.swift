import Foundation

/// The Fréchet distance between two Gaussians fitted to feature sets (the FID recipe):
/// `|μa − μb|² + Tr(Σa + Σb − 2 (Σa^½ Σb Σa^½)^½)`, with symmetric square roots by Jacobi
/// eigendecomposition in double precision. `a`, `b`: `[N, D]` features.
public func frechetDistance(_ a: Tensor, _ b: Tensor) -> Double {
    precondition(a.rank == 2 && b.rank == 2 && a.shape[1] == b.shape[1], "frechetDistance: features \(a.shape) and \(b.shape)")
    let (ma, ca) = meanAndCovariance(a)
    let (mb, cb) = meanAndCovariance(b)
    let d = ma.count
    let meanTerm = zip(ma, mb).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    let rootA = symmetricSqrt(ca, d)
    let middle = multiply(multiply(rootA, cb, d), rootA, d)
    let traceRoot = symmetricEigen(middle, d).values.reduce(0) { $0 + max($1, 0).squareRoot() }
    let trace = (0..<d).reduce(0) { $0 + ca[$1 * d + $1] + cb[$1 * d + $1] }
    return meanTerm + trace - 2 * traceRoot
}

/// Mean `[D]` and unbiased covariance `[D·D]` of the rows of `x [N, D]`.
func meanAndCovariance(_ x: Tensor) -> ([Double], [Double]) {
    let (n, d) = (x.shape[0], x.shape[1])
    let v = x.scalars.map(Double.init)
    var mean = [Double](repeating: 0, count: d)
    for i in 0..<n { for j in 0..<d { mean[j] += v[i * d + j] } }
    mean = mean.map { $0 / Double(n) }
    var cov = [Double](repeating: 0, count: d * d)
    for i in 0..<n {
        for j in 0..<d {
            let dj = v[i * d + j] - mean[j]
            for k in j..<d { cov[j * d + k] += dj * (v[i * d + k] - mean[k]) }
        }
    }
    for j in 0..<d {
        for k in j..<d {
            cov[j * d + k] /= Double(max(n - 1, 1))
            cov[k * d + j] = cov[j * d + k]
        }
    }
    return (mean, cov)
}

func multiply(_ a: [Double], _ b: [Double], _ d: Int) -> [Double] {
    var c = [Double](repeating: 0, count: d * d)
    for i in 0..<d {
        for k in 0..<d {
            let aik = a[i * d + k]
            if aik == 0 { continue }
            for j in 0..<d { c[i * d + j] += aik * b[k * d + j] }
        }
    }
    return c
}

/// Eigenvalues and eigenvectors (columns of `vectors`) of a symmetric matrix, cyclic Jacobi.
func symmetricEigen(_ m: [Double], _ d: Int) -> (values: [Double], vectors: [Double]) {
    var a = m
    var v = [Double](repeating: 0, count: d * d)
    for i in 0..<d { v[i * d + i] = 1 }
    for _ in 0..<100 {
        var off = 0.0
        for p in 0..<d { for q in (p + 1)..<max(d, p + 1) { off += a[p * d + q] * a[p * d + q] } }
        if off < 1e-22 { break }
        for p in 0..<d {
            for q in (p + 1)..<max(d, p + 1) where Swift.abs(a[p * d + q]) > 1e-300 {
                let theta = (a[q * d + q] - a[p * d + p]) / (2 * a[p * d + q])
                let t = (theta >= 0 ? 1.0 : -1.0) / (Swift.abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot()
                let s = t * c
                for k in 0..<d {
                    let akp = a[k * d + p]
                    let akq = a[k * d + q]
                    a[k * d + p] = c * akp - s * akq
                    a[k * d + q] = s * akp + c * akq
                }
                for k in 0..<d {
                    let apk = a[p * d + k]
                    let aqk = a[q * d + k]
                    a[p * d + k] = c * apk - s * aqk
                    a[q * d + k] = s * apk + c * aqk
                }
                for k in 0..<d {
                    let vkp = v[k * d + p]
                    let vkq = v[k * d + q]
                    v[k * d + p] = c * vkp - s * vkq
                    v[k * d + q] = s * vkp + c * vkq
                }
            }
        }
    }
    return ((0..<d).map { a[$0 * d + $0] }, v)
}

/// Square root of a symmetric positive semi-definite matrix (negative eigenvalues clipped to 0).
func symmetricSqrt(_ m: [Double], _ d: Int) -> [Double] {
    let (values, vectors) = symmetricEigen(m, d)
    var out = [Double](repeating: 0, count: d * d)
    for k in 0..<d {
        let r = max(values[k], 0).squareRoot()
        if r == 0 { continue }
        for i in 0..<d {
            let vik = vectors[i * d + k] * r
            for j in 0..<d { out[i * d + j] += vik * vectors[j * d + k] }
        }
    }
    return out
}
