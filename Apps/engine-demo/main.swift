import GenEngine
import CBLAS
var rng = RNG(seed: 1)
for (m, k, n) in [(16, 256, 8), (8, 16*16*16, 10), (16, 2560, 10), (10, 16, 2560), (2048, 9, 8), (8, 9, 4096), (9, 4096, 8)] {
    let a = Tensor.normal([m, k], rng: &rng), b = Tensor.normal([k, n], rng: &rng)
    Threads.set(1); let r1 = matmul(a, b).scalars
    Threads.set(2); let r2 = matmul(a, b).scalars
    print(m, k, n, r1 == r2)
}
