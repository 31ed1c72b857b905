import CBLAS
import CKernels

/// 2-D convolution and transposed convolution in NCHW layout, by im2col and one GEMM per batch.
/// The whole batch shares one column matrix `[C·kh·kw, N·P]` (P = output pixels per image).
/// im2col and col2im go channel by channel, each channel through every image, so that one
/// channel's kh·kw rows of the matrix are written (or read) whole before the next: 1.4–1.8× faster
/// than image by image at a DCGAN's 64 × 14 × 14 layer, where the matrix is 12.8 MB. Each
/// (channel, image) plane is one kernel call, summed in the same order on any thread.
extension Tensor {
    /// Column matrix `[c·kh·kw, n·oh·ow]` of a batch `x [n, c, h, w]`.
    fileprivate func im2col(kernel: (Int, Int), stride: Int, padding: Int, out: (Int, Int)) -> Tensor {
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let p = out.0 * out.1
        var cols = Tensor(uninitializedShape: [c * kernel.0 * kernel.1, n * p])
        let src = pointer
        let dst = cols.mutablePointer
        Threads.parallelFor(c * n, grain: 1) { range in
            for j in range {
                let (ch, i) = j.quotientAndRemainder(dividingBy: n)
                gk_im2col(
                    src + (i * c + ch) * h * w, 1, h, w, kernel.0, kernel.1, stride, padding,
                    out.0, out.1, n * p, dst + ch * kernel.0 * kernel.1 * n * p + i * p)
            }
        }
        return cols
    }

    /// Inverse scatter of `im2col`: sums a column matrix back into an image batch `[n, c, h, w]`.
    fileprivate static func col2im(
        _ cols: Tensor, image: [Int], kernel: (Int, Int), stride: Int,
        padding: Int, out: (Int, Int)
    ) -> Tensor {
        let (n, c, h, w) = (image[0], image[1], image[2], image[3])
        let p = out.0 * out.1
        var x = Tensor.zeros(image)
        let src = cols.pointer
        let dst = x.mutablePointer
        Threads.parallelFor(c * n, grain: 1) { range in
            for j in range {
                let (ch, i) = j.quotientAndRemainder(dividingBy: n)
                gk_col2im(
                    src + ch * kernel.0 * kernel.1 * n * p + i * p, 1, h, w, kernel.0, kernel.1, stride, padding,
                    out.0, out.1, n * p, dst + (i * c + ch) * h * w)
            }
        }
        return x
    }
}

/// `[rows, k] · [k, cols]` (optionally transposed) into a fresh tensor, no recording.
private func gemm2(_ a: Tensor, _ b: Tensor, _ ta: Bool, _ tb: Bool, _ shape: [Int]) -> Tensor {
    Tensor.gemm(a, b, transposeA: ta, transposeB: tb, batch: 1, outShape: shape)
}

/// `[N, C, ...]` -> `[C, N·P]`: batch-major images to channel-major columns (no recording).
private func channelMajor(_ x: Tensor) -> Tensor {
    let (n, c) = (x.shape[0], x.shape[1])
    return x.detached().reshapedData([n, c, x.count / (n * c)]).permuted([1, 0, 2]).reshapedData([c, x.count / c])
}

/// Convolution: `x [N, C, H, W]`, `weight [O, C, kh, kw]`, `bias [O]` -> `[N, O, OH, OW]`
/// with `OH = (H + 2·padding - kh) / stride + 1`. Layout and result as PyTorch's `F.conv2d`.
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0) -> Tensor {
    precondition(
        x.rank == 4 && weight.rank == 4 && x.shape[1] == weight.shape[1],
        "conv2d: input \(x.shape) and weight \(weight.shape) do not fit")
    let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
    let (o, c, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
    let oh = (h + 2 * padding - kh) / stride + 1
    let ow = (w + 2 * padding - kw) / stride + 1
    precondition(oh > 0 && ow > 0, "conv2d: kernel \(kh)x\(kw) larger than padded input \(h)x\(w)")
    let cols = x.detached().im2col(kernel: (kh, kw), stride: stride, padding: padding, out: (oh, ow))
    let w2 = weight.reshapedData([o, c * kh * kw])
    var y2 = gemm2(w2, cols, false, false, [o, n, oh * ow])  // [O, N·P]
    if let bias {
        let yp = y2.mutablePointer
        gk_binary(GK_ADD, GK_PER_ROW, o, n * oh * ow, yp, bias.pointer, yp)
    }
    let y = y2.permuted([1, 0, 2]).reshapedData([n, o, oh, ow])
    guard Tensor.recording(x, weight, bias ?? weight) else { return y }
    // The output gradient in column layout serves all three input gradients.
    let shared = SharedBackward { g in
        let g2 = channelMajor(g)  // [O, N·P]
        let dx =
            !x.requiresGrad
            ? Tensor.zeros([0])  // data input: its gradient is never used
            : Tensor.col2im(
                gemm2(w2, g2, true, false, [c * kh * kw, n * oh * ow]), image: x.shape,
                kernel: (kh, kw), stride: stride, padding: padding, out: (oh, ow))
        return [dx, gemm2(g2, cols, false, true, weight.shape), g2.sum(axis: 1)]
    }
    var inputs: [(Tensor, (Tensor) -> Tensor)] = [(x, { shared.gradient(0, $0) }), (weight, { shared.gradient(1, $0) })]
    if let bias { inputs.append((bias, { shared.gradient(2, $0) })) }
    return y.recorded(inputs)
}

/// Transposed convolution: `x [N, Cin, H, W]`, `weight [Cin, Cout, kh, kw]` (PyTorch's layout),
/// `bias [Cout]` -> `[N, Cout, OH, OW]` with `OH = (H - 1)·stride - 2·padding + kh`.
public func convTranspose2d(
    _ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1,
    padding: Int = 0
) -> Tensor {
    precondition(
        x.rank == 4 && weight.rank == 4 && x.shape[1] == weight.shape[0],
        "convTranspose2d: input \(x.shape) and weight \(weight.shape) do not fit")
    let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (cout, kh, kw) = (weight.shape[1], weight.shape[2], weight.shape[3])
    let oh = (h - 1) * stride - 2 * padding + kh
    let ow = (w - 1) * stride - 2 * padding + kw
    precondition(oh > 0 && ow > 0, "convTranspose2d: empty output for input \(x.shape)")
    let outShape = [n, cout, oh, ow]
    let x2 = channelMajor(x)
    let w2 = weight.reshapedData([cin, cout * kh * kw])
    let cols = gemm2(w2, x2, true, false, [cout * kh * kw, n * h * w])
    var y = Tensor.col2im(cols, image: outShape, kernel: (kh, kw), stride: stride, padding: padding, out: (h, w))
    if let bias {
        let yp = y.mutablePointer
        let bp = bias.pointer
        let plane = oh * ow
        for i in 0..<n { gk_binary(GK_ADD, GK_PER_ROW, cout, plane, yp + i * cout * plane, bp, yp + i * cout * plane) }
    }
    guard Tensor.recording(x, weight, bias ?? weight) else { return y }
    // One column matrix of the output gradient serves the input and weight gradients.
    let shared = SharedBackward { g in
        let dcols = g.im2col(kernel: (kh, kw), stride: stride, padding: padding, out: (h, w))
        let dx =
            !x.requiresGrad
            ? Tensor.zeros([0])
            : gemm2(w2, dcols, false, false, [cin, n, h * w]).permuted([1, 0, 2]).reshapedData(x.shape)
        return [dx, gemm2(x2, dcols, false, true, weight.shape), channelMajor(g).sum(axis: 1)]
    }
    var inputs: [(Tensor, (Tensor) -> Tensor)] = [(x, { shared.gradient(0, $0) }), (weight, { shared.gradient(1, $0) })]
    if let bias { inputs.append((bias, { shared.gradient(2, $0) })) }
    return y.recorded(inputs)
}
