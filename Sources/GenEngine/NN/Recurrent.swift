/// Multi-layer, batch-first LSTM and GRU with PyTorch's parameter names and layouts
/// (`weight_ih_l0 [G·H, in]`, `weight_hh_l0 [G·H, H]`, `bias_ih_l0`, `bias_hh_l0`; G = 4 for LSTM
/// with gates i, f, g, o, G = 3 for GRU with r, z, n) and initialisation U(-1/√H, 1/√H).
public class RecurrentBase: Module {
    public let inputSize: Int, hiddenSize: Int, numLayers: Int
    let weightIH: [Parameter], weightHH: [Parameter], biasIH: [Parameter], biasHH: [Parameter]

    init(inputSize: Int, hiddenSize: Int, numLayers: Int, gates: Int, rng: inout RNG) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        let bound = 1 / Float(hiddenSize).squareRoot()
        func u(_ shape: [Int]) -> Parameter {
            Parameter(wrappedValue: Tensor.uniform(shape, low: -bound, high: bound, rng: &rng))
        }
        var wi: [Parameter] = []
        var wh: [Parameter] = []
        var bi: [Parameter] = []
        var bh: [Parameter] = []
        for layer in 0..<numLayers {
            wi.append(u([gates * hiddenSize, layer == 0 ? inputSize : hiddenSize]))
            wh.append(u([gates * hiddenSize, hiddenSize]))
            bi.append(u([gates * hiddenSize]))
            bh.append(u([gates * hiddenSize]))
        }
        (weightIH, weightHH, biasIH, biasHH) = (wi, wh, bi, bh)
        super.init()
    }

    public override func localParameters() -> [(String, Parameter)] {
        (0..<numLayers).flatMap { l in
            [
                ("weight_ih_l\(l)", weightIH[l]), ("weight_hh_l\(l)", weightHH[l]),
                ("bias_ih_l\(l)", biasIH[l]), ("bias_hh_l\(l)", biasHH[l]),
            ]
        }
    }

    /// `[B, T, C]` -> time-major `[T, B, C]`.
    func timeMajor(_ x: Tensor) -> Tensor { x.permuted([1, 0, 2]) }
}

/// Long short-term memory network.
public final class LSTM: RecurrentBase {
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, rng: inout RNG) {
        super.init(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, gates: 4, rng: &rng)
    }

    /// `x [B, T, in]` and optional state `(h, c)`, each `[layers, B, H]` (zeros when nil)
    /// -> output `[B, T, H]` (last layer's h at every step) and the final state.
    public func callAsFunction(_ x: Tensor, state: (h: Tensor, c: Tensor)? = nil)
        -> (output: Tensor, state: (h: Tensor, c: Tensor))
    {
        let (b, t) = (x.shape[0], x.shape[1])
        var input = timeMajor(x)  // [T, B, in]
        var finalH: [Tensor] = []
        var finalC: [Tensor] = []
        for l in 0..<numLayers {
            let xproj = linear(
                input, weight: weightIH[l].wrappedValue,
                bias: biasIH[l].wrappedValue + biasHH[l].wrappedValue)  // [T, B, 4H]
            let h0 = state?.h.slice(l..<(l + 1)).reshaped([b, hiddenSize]) ?? Tensor.zeros([b, hiddenSize])
            let c0 = state?.c.slice(l..<(l + 1)).reshaped([b, hiddenSize]) ?? Tensor.zeros([b, hiddenSize])
            let run = lstmLayer(xproj: xproj, h0: h0, c0: c0, weightHH: weightHH[l].wrappedValue)  // [T+1, B, H]
            input = run.slice(0..<t)
            finalH.append(run.slice((t - 1)..<t).reshaped([b, hiddenSize]))
            finalC.append(run.slice(t..<(t + 1)).reshaped([b, hiddenSize]))
        }
        return (input.permuted([1, 0, 2]), (Tensor.stack(finalH), Tensor.stack(finalC)))
    }
}

/// Gated recurrent unit network.
public final class GRU: RecurrentBase {
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, rng: inout RNG) {
        super.init(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, gates: 3, rng: &rng)
    }

    /// `x [B, T, in]` and optional state `[layers, B, H]` -> output `[B, T, H]` and the final state.
    public func callAsFunction(_ x: Tensor, state: Tensor? = nil) -> (output: Tensor, state: Tensor) {
        let (b, t) = (x.shape[0], x.shape[1])
        var input = timeMajor(x)
        var finals: [Tensor] = []
        for l in 0..<numLayers {
            let xproj = linear(input, weight: weightIH[l].wrappedValue, bias: biasIH[l].wrappedValue)  // [T, B, 3H]
            let h0 = state?.slice(l..<(l + 1)).reshaped([b, hiddenSize]) ?? Tensor.zeros([b, hiddenSize])
            input = gruLayer(xproj: xproj, h0: h0, weightHH: weightHH[l].wrappedValue, biasHH: biasHH[l].wrappedValue)
            finals.append(input.slice((t - 1)..<t).reshaped([b, hiddenSize]))
        }
        return (input.permuted([1, 0, 2]), Tensor.stack(finals))
    }
}
