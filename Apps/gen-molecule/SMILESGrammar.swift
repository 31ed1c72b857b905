// Constrained decoding: a per-sequence processor that keeps a SMILES being sampled well formed.
import GenEngine

/// What an aromatic atom can give a ring's π system, for the ring-size rules of `SMILESGrammar`.
enum AromaticRole: Equatable {
    case aliphatic
    /// `c`: one electron.
    case carbon
    /// `n`: one electron, or two once it has a third bond (pyrrole-type when substituted).
    case nitrogen
    /// `o`, `s`, `[nH]`, `[se]`: a lone pair, two electrons.
    case donor
    case other
}

/// What one vocabulary token does in a SMILES.
enum SMILESTokenKind: Equatable {
    /// An atom, and the bonds it can still make (its largest allowed valence less its written
    /// hydrogens; an aromatic carbon keeps all four, as pyridone's `c(=O)` uses them).
    case atom(budget: Int, role: AromaticRole)
    case bond(order: Int)
    case open, close, dot
    case ring(label: Int)
    case end
    /// `<unk>` and anything unreadable: never drawn when constrained.
    case other

    /// The kind of a token's text, as the SMILES reader sees it.
    init(_ text: String) {
        switch text {
        case SMILESTokens.end: self = .end
        case "(": self = .open
        case ")": self = .close
        case ".": self = .dot
        case "-", "/", "\\", ":": self = .bond(order: 1)
        case "=": self = .bond(order: 2)
        case "#": self = .bond(order: 3)
        case "$": self = .bond(order: 4)
        default:
            if let first = text.first, first.isNumber || first == "%" {
                if let molecule = try? SMILESParser.parse("C" + text + "CC" + text), molecule.bonds.count == 3 {
                    let digits = text.filter(\.isNumber)
                    self = .ring(label: Int(digits) ?? 0)
                    return
                }
                self = .other
                return
            }
            guard let molecule = try? SMILESParser.parse(text), molecule.atoms.count == 1 else {
                self = .other
                return
            }
            let atom = molecule.atoms[0]
            let top = atom.allowedValences?.last ?? 8
            let hydrogens = atom.bracket ? (atom.hydrogens ?? 0) : 0
            let role: AromaticRole =
                !atom.aromatic
                ? .aliphatic
                : atom.element == 6 && atom.charge == 0
                    ? .carbon
                    : atom.element == 7 && atom.charge == 0 && hydrogens == 0
                        ? .nitrogen
                        : [7, 8, 16, 34, 52].contains(atom.element) && atom.charge <= 0 ? .donor : .other
            self = .atom(budget: max(0, top - hydrogens), role: role)
        }
    }
}

/// Keeps one sampled SMILES well formed, token by token (the syntax constraints of the
/// project's n-gram experiment, plus a valence budget): branches open only after an atom and
/// close only when open; ring-bond labels close on a different atom not yet bonded to it; a bond
/// symbol is followed by an atom or a ring label; no atom gets more bonds than its valence
/// allows; an aromatic atom placed while no ring is open opens one at once (aromatic atoms lie on
/// rings; one placed in a branch off an open ring is not checked); the end token comes only when every branch and ring is closed; and past a soft limit
/// (three quarters of `maxLength`, at most 64 tokens) nothing new is opened and the chain grows
/// only while a ring or branch is open, so a sampler stuck in a loop is wound up instead of cut. Tokens of kind `.other` (`<unk>`) are never drawn.
final class SMILESGrammar: LogitsProcessor {
    let kinds: [SMILESTokenKind]
    let maxLength: Int
    private var budgets: [Int] = []  // per atom so far
    private var current: Int?  // the atom the next bond starts from
    private var pendingOrder: Int?
    private var branches: [Int] = []
    private var branchStart = false
    private var rings: [Int: (atom: Int, order: Int?)] = [:]  // the bond order written at the opening, if any
    private var bonded = Set<Int>()  // atom pairs a * 65_536 + b
    private var length = 0
    /// An aromatic atom was placed with no ring open: a ring label must come next.
    private var needsRing = false
    private var started = false
    /// Per atom: aromatic role, the atom it was bonded to when written (-1 for none), and depth.
    private var roles: [AromaticRole] = []
    private var parents: [Int] = []
    private var depths: [Int] = []
    /// Per atom: bonds so far, and whether one of them is a written double bond.
    private var degrees: [Int] = []
    private var doubled: [Bool] = []
    /// Bonds between two aromatic atoms written without a symbol (aromatic bonds).
    private var aromaticBonds: [(Int, Int)] = []

    /// Tokens after which the sequence winds down (the longest MOSES molecule has 54 tokens).
    let softLimit: Int

    init(kinds: [SMILESTokenKind], maxLength: Int) {
        (self.kinds, self.maxLength) = (kinds, maxLength)
        softLimit = min(maxLength * 3 / 4, 64)
    }

    /// The kinds of every token of a tokenizer's vocabulary.
    static func kinds(of tokenizer: any Tokenizer) -> [SMILESTokenKind] {
        (0..<tokenizer.vocabSize).map { id in
            guard let vocabulary = (tokenizer as? any VocabularyTokenizer)?.vocabulary else { return .other }
            return SMILESTokenKind(vocabulary[id])
        }
    }

    func advance(_ token: Int32) {
        let kind = kinds[Int(token)]
        guard started else {
            if kind == .end { started = true }  // the start token
            return
        }
        length += 1
        switch kind {
        case .atom(let budget, let role):
            let index = budgets.count
            needsRing = role != .aliphatic && rings.isEmpty
            budgets.append(budget)
            roles.append(role)
            parents.append(current ?? -1)
            depths.append(current.map { depths[$0] + 1 } ?? 0)
            degrees.append(0)
            doubled.append(false)
            if let from = current {
                let order = pendingOrder ?? 1
                budgets[from] -= order
                budgets[index] -= order
                bonded.insert(from * 65_536 + index)
                addBond(from, index, written: pendingOrder)
            }
            current = index
            pendingOrder = nil
            branchStart = false
        case .bond(let order):
            pendingOrder = order
            needsRing = false
        case .open:
            branches.append(current!)
            branchStart = true
        case .close: current = branches.popLast()
        case .dot: current = nil
        case .ring(let label):
            let atom = current!
            if let open = rings.removeValue(forKey: label) {
                let order = open.order ?? pendingOrder ?? 1  // the opening symbol wins, as in the parser
                budgets[open.atom] -= order - 1  // one unit was reserved at the opening
                budgets[atom] -= order
                bonded.insert(min(open.atom, atom) * 65_536 + max(open.atom, atom))
                addBond(open.atom, atom, written: open.order ?? pendingOrder)
            } else {
                rings[label] = (atom, pendingOrder)
                budgets[atom] -= 1
            }
            pendingOrder = nil
            needsRing = false
        case .end, .other: break
        }
    }

    /// Records a bond's degree, written double bond, or aromatic bond.
    private func addBond(_ a: Int, _ b: Int, written: Int?) {
        degrees[a] += 1
        degrees[b] += 1
        if written == 2 { (doubled[a], doubled[b]) = (true, true) }
        if written == nil && roles[a] != .aliphatic && roles[b] != .aliphatic { aromaticBonds.append((a, b)) }
    }

    /// Bans the tokens the syntax forbids, and those after which the aromatic atoms cannot be
    /// kekulised, unless that would ban every token (then the syntax alone decides).
    func process(_ logits: inout [Float]) {
        let syntax = logits.indices.map { logits[$0] > -.infinity && syntaxAllows(kinds[$0]) }
        let kekule = logits.indices.map { syntax[$0] && aromaticStaysKekulisable(after: kinds[$0]) }
        let keep = kekule.contains(true) ? kekule : syntax
        for id in logits.indices where !keep[id] { logits[id] = -.infinity }
    }

    private func syntaxAllows(_ kind: SMILESTokenKind) -> Bool {
        let order = pendingOrder ?? 1
        let room = current.map { budgets[$0] } ?? 0
        let left = maxLength - length - branches.count - rings.count
        // Past the soft limit, nothing new is opened and the chain only grows to close rings.
        let winding = length >= softLimit
        if needsRing {
            if case .ring(let label) = kind, rings[label] == nil { return room >= 1 }
            return false
        }
        switch kind {
        case .atom(let budget, _):
            guard current != nil else { return pendingOrder == nil && budget >= 0 }
            // Winding down: a new atom only when no open ring can close here.
            if winding && pendingOrder == nil && (rings.isEmpty || rings.keys.contains { syntaxAllows(.ring(label: $0)) }) { return false }
            // An atom that would end the chain while a ring is open and no branch returns is a dead end.
            if budget - order < 1 && !rings.isEmpty && branches.isEmpty { return false }
            return room >= order && budget >= order
        case .bond(let o): return current != nil && pendingOrder == nil && room >= o && !winding
        case .open: return current != nil && pendingOrder == nil && !branchStart && room >= 2 && left > 3 && !winding
        case .close: return !branches.isEmpty && !branchStart && pendingOrder == nil
        case .dot: return false
        case .ring(let label):
            guard let atom = current, !branchStart else { return false }
            if let open = rings[label] {
                let o = open.order ?? pendingOrder ?? 1
                let leavesWayOn = room - o >= 1 || rings.count == 1 || !branches.isEmpty
                return open.atom != atom && !bonded.contains(min(open.atom, atom) * 65_536 + max(open.atom, atom))
                    && room >= o && budgets[open.atom] >= o - 1 && leavesWayOn && (pendingOrder != nil || aromaticRingFits(open.atom, atom))
            }
            return room >= 2 && left > 4 && rings.count < 4 && !winding
        case .end: return current != nil && branches.isEmpty && rings.isEmpty && pendingOrder == nil && !branchStart
        case .other: return false
        }
    }

    /// Whether closing a ring between aromatic atoms `a` and `b` can give a ring that kekulises,
    /// judged by its atoms along the written path (up to their common ancestor): an all-aromatic
    /// ring must have 5 atoms with one lone-pair donor (`o`, `s`, `[nH]`) or an `n`, or 6 atoms
    /// without a donor (the aromatic rings of MOSES). Rings with an aliphatic atom, and rings too
    /// long to judge cheaply, pass.
    private func aromaticRingFits(_ a: Int, _ b: Int) -> Bool {
        guard roles[a] != .aliphatic, roles[b] != .aliphatic else { return true }
        var (x, y) = (a, b)
        var members = [a, b]
        while x != y {
            if depths[x] >= depths[y] { x = parents[x] } else { y = parents[y] }
            guard x >= 0, y >= 0 else { return true }
            if x != y { members.append(depths[x] >= depths[y] ? x : y) }
            if members.count > 8 { return true }
        }
        members.append(x)
        let kinds = Set(members).map { roles[$0] }
        if kinds.contains(.aliphatic) || kinds.contains(.other) { return true }
        let donors = kinds.filter { $0 == .donor }.count
        switch kinds.count {
        case 5: return donors == 1 || (donors == 0 && kinds.contains(.nitrogen))
        case 6: return donors == 0
        default: return false
        }
    }

    /// Whether the aromatic atoms that `kind` completes (no later bond can reach them: not the
    /// current atom, not a branch point, no open ring label) can still be kekulised: each lies on
    /// two aromatic bonds (a ring), and every complete `c`, and `n` with two bonds, without a
    /// written double bond can take one double bond over the aromatic bonds, atoms still open
    /// taking one or none (a matching, searched depth first; past a bounded search it passes).
    /// The ring-size rule of `aromaticRingFits` judges one ring as it closes; this judges the fused
    /// system. Cannot-kekulise was 85 % of the n-gram's constrained failures.
    private func aromaticStaysKekulisable(after kind: SMILESTokenKind) -> Bool {
        var completed: [Int] = []
        var newBond: (atoms: (Int, Int), order: Int?)?  // the bond the token makes, its written order
        var atomRoles = roles  // with the candidate atom, when it is one
        /// Notes `atom` as complete when aromatic and no later bond can reach it (not `stillOpen`,
        /// not a branch point, no open ring label but the one `closing`).
        func completes(_ atom: Int, unless stillOpen: Int? = nil, closing: Int? = nil) {
            if roles[atom] != .aliphatic && atom != stillOpen && !branches.contains(atom)
                && !rings.contains(where: { $0.key != closing && $0.value.atom == atom })
            {
                completed.append(atom)
            }
        }
        switch kind {
        case .atom(_, let role):
            guard let from = current else { return true }
            atomRoles.append(role)
            newBond = ((from, roles.count), pendingOrder)
            if pendingOrder != 2 { completes(from) }
        case .close:
            if let atom = current { completes(atom, unless: branches.last) }
        case .ring(let label):
            guard let atom = current, let open = rings[label] else { return true }
            newBond = ((open.atom, atom), open.order ?? pendingOrder)
            completes(open.atom, unless: atom, closing: label)
        case .end:
            completed = roles.indices.filter { roles[$0] != .aliphatic }
        default: return true
        }
        guard !completed.isEmpty else { return true }
        // The new bond is aromatic when written without a symbol between two aromatic atoms.
        let bonds =
            aromaticBonds
            + (newBond.map { b in
                b.order == nil && atomRoles[b.atoms.0] != .aliphatic && atomRoles[b.atoms.1] != .aliphatic ? [b.atoms] : []
            } ?? [])
        let count = atomRoles.count
        var aromaticDegree = [Int](repeating: 0, count: count)
        for (a, b) in bonds { (aromaticDegree[a], aromaticDegree[b]) = (aromaticDegree[a] + 1, aromaticDegree[b] + 1) }
        if completed.contains(where: { aromaticDegree[$0] < 2 }) { return false }
        // Who must take a double bond, and who may.
        let isComplete: (Int) -> Bool = { atom in
            atom < self.roles.count
                && (kind == .end || completed.contains(atom)
                    || (atom != self.current && !self.branches.contains(atom) && !self.rings.values.contains { $0.atom == atom }))
        }
        var must = [Bool](repeating: false, count: count)
        var may = [Bool](repeating: false, count: count)
        for atom in 0..<count {
            // Bonds so far, with the one the token makes (whatever its order).
            let added = newBond.map { $0.atoms.0 == atom || $0.atoms.1 == atom ? 1 : 0 } ?? 0
            guard !(atom < roles.count && doubled[atom]) && !(added == 1 && newBond?.order == 2) else { continue }
            let degree = (atom < roles.count ? degrees[atom] : 0) + added
            switch atomRoles[atom] {
            case .carbon: (must[atom], may[atom]) = (isComplete(atom), degree <= 3)  // three σ bonds and the π bond
            case .nitrogen:
                may[atom] = degree <= 2
                must[atom] = may[atom] && isComplete(atom)
            case .other: may[atom] = true
            default: break
            }
        }
        var partners = [[Int]](repeating: [], count: count)
        for (a, b) in bonds where may[a] && may[b] {
            partners[a].append(b)
            partners[b].append(a)
        }
        var partner = [Int](repeating: -1, count: count)
        var budget = 2_000
        func solve() -> Bool {
            // The unmatched required atom with the fewest free partners.
            var best = -1
            var fewest = Int.max
            for atom in 0..<count where must[atom] && partner[atom] < 0 {
                let free = partners[atom].filter { partner[$0] < 0 }.count
                if free < fewest { (best, fewest) = (atom, free) }
            }
            guard best >= 0 else { return true }
            budget -= 1
            if budget < 0 { return true }
            for other in partners[best] where partner[other] < 0 {
                (partner[best], partner[other]) = (other, best)
                if solve() { return true }
                (partner[best], partner[other]) = (-1, -1)
            }
            return false
        }
        return solve()
    }
}
