import CKernels

/// One LSTM step from pre-activation gates `[B, 4H]` (order i, f, g, o) and the previous cell
/// state `c [B, H]`. Returns `(h, c)`, each `[B, H]` (views of one `[2, B, H]` result).
public func lstmCell(gates: Tensor, cell: Tensor) -> (h: Tensor, c: Tensor) {
    let b = cell.shape[0], h = cell.shape[1]
    precondition(gates.shape == [b, 4 * h], "lstmCell: gates \(gates.shape) do not fit cell \(cell.shape)")
    var out = Tensor(uninitializedShape: [2, b, h])
    var act = Tensor(uninitializedShape: [b, 5 * h])
    gk_lstm_cell(b, h, gates.pointer, cell.pointer, out.mutablePointer, act.mutablePointer)
    let saved = act
    let shared = SharedBackward { g in
        var dgates = Tensor(uninitializedShape: [b, 4 * h]), dcell = Tensor(uninitializedShape: [b, h])
        gk_lstm_cell_backward(b, h, saved.pointer, cell.pointer, g.pointer, dgates.mutablePointer, dcell.mutablePointer)
        return [dgates, dcell]
    }
    let both = out.recorded([(gates, { shared.gradient(0, $0) }), (cell, { shared.gradient(1, $0) })])
    return (both.slice(0..<1).reshaped([b, h]), both.slice(1..<2).reshaped([b, h]))
}

/// One GRU step (gate order r, z, n as PyTorch): `xg = x·W_ihᵀ + b_ih` and `hg = h·W_hhᵀ + b_hh`,
/// each `[B, 3H]`, and the previous state `[B, H]` -> the new state `[B, H]`.
public func gruCell(inputGates xg: Tensor, hiddenGates hg: Tensor, hidden: Tensor) -> Tensor {
    let b = hidden.shape[0], h = hidden.shape[1]
    precondition(xg.shape == [b, 3 * h] && hg.shape == [b, 3 * h], "gruCell: gate shapes do not fit \(hidden.shape)")
    var out = Tensor(uninitializedShape: [b, h])
    var act = Tensor(uninitializedShape: [b, 3 * h])
    gk_gru_cell(b, h, xg.pointer, hg.pointer, hidden.pointer, out.mutablePointer, act.mutablePointer)
    let saved = act
    let shared = SharedBackward { g in
        var dxg = Tensor(uninitializedShape: [b, 3 * h]), dhg = Tensor(uninitializedShape: [b, 3 * h])
        var dh = Tensor(uninitializedShape: [b, h])
        gk_gru_cell_backward(b, h, saved.pointer, hg.pointer, hidden.pointer, g.pointer,
                             dxg.mutablePointer, dhg.mutablePointer, dh.mutablePointer)
        return [dxg, dhg, dh]
    }
    return out.recorded([(xg, { shared.gradient(0, $0) }), (hg, { shared.gradient(1, $0) }),
                         (hidden, { shared.gradient(2, $0) })])
}
