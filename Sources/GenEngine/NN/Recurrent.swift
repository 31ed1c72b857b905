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
            Parameter(wrappedValue: ParameterInitialisation.uniform(shape, low: -bound, high: bound, rng: &rng))
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

    /// The bias added to layer `l`'s input projection (the LSTM folds its hidden bias in).
    func inputBias(_ l: Int) -> Tensor { biasIH[l].wrappedValue }

    /// Layer 0's input projection of each row of `inputs` `[N, in]` -> `[N, G·H]`. For token
    /// models this is a table with one row per token embedding, which decoding reads (the
    /// `projected:` entry points) instead of a matrix product per step; its rows are the values
    /// the product would give.
    public func firstLayerProjection(_ inputs: Tensor) -> Tensor {
        linear(inputs, weight: weightIH[0].wrappedValue, bias: inputBias(0))
    }
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
        callAsFunction(projected: firstLayerProjection(timeMajor(x)), state: state)
    }

    /// The same from layer 0's input projection, time-major `[T, B, 4H]` (rows of
    /// `firstLayerProjection`).
    public func callAsFunction(projected: Tensor, state: (h: Tensor, c: Tensor)? = nil)
        -> (output: Tensor, state: (h: Tensor, c: Tensor))
    {
        let (t, b) = (projected.shape[0], projected.shape[1])
        var output = projected  // each layer's output in turn, [T, B, H]
        var finalH: [Tensor] = []
        var finalC: [Tensor] = []
        for l in 0..<numLayers {
            let xproj = l == 0 ? projected : linear(output, weight: weightIH[l].wrappedValue, bias: inputBias(l))  // [T, B, 4H]
            let h0 = state?.h.slice(l..<(l + 1)).reshaped([b, hiddenSize]) ?? Tensor.zeros([b, hiddenSize])
            let c0 = state?.c.slice(l..<(l + 1)).reshaped([b, hiddenSize]) ?? Tensor.zeros([b, hiddenSize])
            let run = lstmLayer(xproj: xproj, h0: h0, c0: c0, weightHH: weightHH[l].wrappedValue)  // [T+1, B, H]
            output = run.slice(0..<t)
            finalH.append(run.slice((t - 1)..<t).reshaped([b, hiddenSize]))
            finalC.append(run.slice(t..<(t + 1)).reshaped([b, hiddenSize]))
        }
        return (output.permuted([1, 0, 2]), (Tensor.stack(finalH), Tensor.stack(finalC)))
    }

    override func inputBias(_ l: Int) -> Tensor { biasIH[l].wrappedValue + biasHH[l].wrappedValue }
}

/// Gated recurrent unit network.
public final class GRU: RecurrentBase {
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, rng: inout RNG) {
        super.init(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, gates: 3, rng: &rng)
    }

    /// `x [B, T, in]` and optional state `[layers, B, H]` -> output `[B, T, H]` and the final state.
    public func callAsFunction(_ x: Tensor, state: Tensor? = nil) -> (output: Tensor, state: Tensor) {
        callAsFunction(projected: firstLayerProjection(timeMajor(x)), state: state)
    }

    /// The same from layer 0's input projection, time-major `[T, B, 3H]` (rows of
    /// `firstLayerProjection`).
    public func callAsFunction(projected: Tensor, state: Tensor? = nil) -> (output: Tensor, state: Tensor) {
        let (t, b) = (projected.shape[0], projected.shape[1])
        var output = projected  // each layer's output in turn, [T, B, H]
        var finals: [Tensor] = []
        for l in 0..<numLayers {
            let xproj = l == 0 ? projected : linear(output, weight: weightIH[l].wrappedValue, bias: inputBias(l))  // [T, B, 3H]
            let h0 = state?.slice(l..<(l + 1)).reshaped([b, hiddenSize]) ?? Tensor.zeros([b, hiddenSize])
            output = gruLayer(xproj: xproj, h0: h0, weightHH: weightHH[l].wrappedValue, biasHH: biasHH[l].wrappedValue)
            finals.append(output.slice((t - 1)..<t).reshaped([b, hiddenSize]))
        }
        return (output.permuted([1, 0, 2]), Tensor.stack(finals))
    }
}
