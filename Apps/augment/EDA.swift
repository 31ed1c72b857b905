// EDA's four operations (Wei & Zou, EMNLP 2019) on a text cut at white space, and eda_nlp's rule
// for spreading a row's augmented copies over the operations.
import GenEngine

/// One of EDA's operations (Wei & Zou, "EDA: Easy Data Augmentation Techniques for Boosting
/// Performance on Text Classification Tasks", EMNLP 2019; jasonwei20/eda_nlp, `code/eda.py`).
enum EDAOperation: String, CaseIterable {
    /// Synonym replacement: n distinct non-stop words, every occurrence, each by one synonym.
    case sr
    /// Random insertion: n synonyms of random non-stop words, each at a random position.
    case ri
    /// Random swap: n times, two random words change places.
    case rs
    /// Random deletion: each word goes with probability p (at least one word stays).
    case rd
}

/// A chain of operations one augmented copy goes through, in order (`sr`, or `sr+rd`).
struct EDARecipe: Equatable {
    var operations: [EDAOperation]
    /// Its name in `--ops` and in the provenance column: the operations joined by `+`.
    var name: String { operations.map(\.rawValue).joined(separator: "+") }

    /// Parses `--ops`: `eda` (the four operations, one recipe each, eda_nlp's scheme) or a comma
    /// list of recipes, each one operation or several joined by `+`. Throws `CLIError.usage`
    /// naming what is not an operation, or for an empty or repeated recipe.
    static func parse(_ text: String) throws -> [EDARecipe] {
        if text == "eda" { return EDAOperation.allCases.map { EDARecipe(operations: [$0]) } }
        var recipes: [EDARecipe] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let names = item.split(separator: "+", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let operations = try names.map { name -> EDAOperation in
                guard let op = EDAOperation(rawValue: name.lowercased()) else {
                    throw CLIError.usage(
                        "--ops must be 'eda' or a comma list of sr, ri, rs, rd (chain with +, e.g. sr,rs+rd), got '\(name)'")
                }
                return op
            }
            let recipe = EDARecipe(operations: operations)
            if recipes.contains(recipe) { throw CLIError.usage("--ops names '\(recipe.name)' twice") }
            recipes.append(recipe)
        }
        return recipes
    }
}

/// A text cut into words at white space, with the exact white space around them, so that a text
/// put back together keeps every character an operation did not touch. Splits only between
/// Unicode characters (grapheme clusters), so any script (Korean included) stays valid UTF-8.
struct WordSequence: Equatable {
    /// White space before the first word.
    var leading: String
    var words: [String]
    /// `gaps[i]` is the white space between `words[i]` and `words[i + 1]` (one fewer than words).
    var gaps: [String]
    /// White space after the last word (all of the text when it has no word).
    var trailing: String

    init(_ text: String) {
        (leading, words, gaps, trailing) = ("", [], [], "")
        var space = ""
        var word = ""
        for c in text {
            // ASCII first: the Unicode property look-up is the slow part of splitting.
            if c.asciiValue.map({ $0 == 0x20 || (0x09...0x0D).contains($0) }) ?? c.isWhitespace {
                if !word.isEmpty {
                    words.append(word)
                    word = ""
                }
                space.append(c)
            } else {
                if word.isEmpty {
                    if words.isEmpty { leading = space } else { gaps.append(space) }
                    space = ""
                }
                word.append(c)
            }
        }
        if !word.isEmpty { words.append(word) }
        trailing = space
    }

    /// The text back: leading space, the words with their gaps, trailing space.
    var text: String {
        var out = leading
        for (i, word) in words.enumerated() {
            if i > 0 { out += gaps[i - 1] }
            out += word
        }
        return out + trailing
    }

    /// Inserts `word` before position `position` (0...words.count), a single space on its far side.
    mutating func insert(_ word: String, at position: Int) {
        if !words.isEmpty { gaps.insert(" ", at: min(position, gaps.count)) }
        words.insert(word, at: position)
    }

    /// Removes the word at `position` and the white space before it (after it for the first word).
    mutating func remove(at position: Int) {
        words.remove(at: position)
        if !gaps.isEmpty { gaps.remove(at: max(position - 1, 0)) }
    }
}

/// A word split into the lexicon's key and what surrounds it: `"Movie,"` is `("", "Movie", ",")`
/// with key `movie`. The core runs from the first to the last letter or digit, so inner
/// apostrophes and hyphens stay in it (`don't`, `well-known`).
struct WordParts {
    var prefix: Substring
    var core: Substring
    var suffix: Substring
    /// The core lowercased: what the lexicon and the stop words are asked about ("" for none).
    var key: String { core.lowercased() }

    init(_ word: String) {
        let isCore = { (c: Character) in c.isLetter || c.isNumber }
        guard let first = word.firstIndex(where: isCore), let last = word.lastIndex(where: isCore) else {
            (prefix, core, suffix) = (word[...], "", "")
            return
        }
        prefix = word[..<first]
        core = word[first...last]
        suffix = word[word.index(after: last)...]
    }

    /// The word with its core replaced by `synonym` written in the core's case: all capitals
    /// stay all capitals (for a core of two or more letters), a capital first letter stays one.
    func replacingCore(with synonym: String) -> String {
        var written = synonym
        let letters = core.filter(\.isLetter)
        if letters.count > 1 && letters.allSatisfy(\.isUppercase) {
            written = synonym.uppercased()
        } else if let first = core.first, first.isUppercase, let head = synonym.first {
            written = head.uppercased() + synonym.dropFirst()
        }
        return String(prefix) + written + String(suffix)
    }
}

/// EDA's operations with one lexicon and one set of strengths. Operations read and write
/// whitespace-separated words, keep the case and punctuation of every word they do not touch,
/// and match synonyms case-insensitively (eda_nlp instead lowercases the text and drops every
/// character outside a–z; that destroys the user's text, so GenSuite does not).
struct EDA {
    /// Strength of each operation, 0...1 (0 disables it): SR, RI and RS change
    /// `n = max(1, ⌊alpha · words⌋)` words; RD deletes each word with probability alpha.
    var alpha: [EDAOperation: Float]
    let lexicon: any SynonymLexicon
    var stopWords: Set<String> = englishStopWords

    /// How many words SR, RI or RS changes in a text of `words` words (eda_nlp's `max(1, int(alpha*num_words))`).
    func count(_ op: EDAOperation, words: Int) -> Int { max(1, Int(alpha[op, default: 0] * Float(words))) }

    /// `op` applied once to `text`, its random draws from `rng`.
    func apply(_ op: EDAOperation, to text: WordSequence, rng: inout RNG) -> WordSequence {
        let n = count(op, words: text.words.count)
        switch op {
        case .sr: return synonymReplacement(text, n: n, rng: &rng)
        case .ri: return randomInsertion(text, n: n, rng: &rng)
        case .rs: return EDA.randomSwap(text, n: n, rng: &rng)
        case .rd: return EDA.randomDeletion(text, p: alpha[.rd, default: 0], rng: &rng)
        }
    }

    /// The distinct non-stop-word keys of `text` in order of first appearance.
    func contentKeys(_ text: WordSequence) -> [String] {
        var keys: [String] = []
        var seen = Set<String>()
        for word in text.words {
            let key = WordParts(word).key
            if !key.isEmpty && !stopWords.contains(key) && seen.insert(key).inserted { keys.append(key) }
        }
        return keys
    }

    /// SR (eda_nlp's `synonym_replacement`): the distinct non-stop words in random order; each
    /// that has synonyms has every occurrence replaced by one synonym drawn uniformly (written in
    /// each occurrence's case, its punctuation kept), until `n` words are replaced or none is
    /// left. A text with no synonyms (another language, say) comes back unchanged.
    func synonymReplacement(_ text: WordSequence, n: Int, rng: inout RNG) -> WordSequence {
        let keys = contentKeys(text)
        let parts = text.words.map(WordParts.init)
        var out = text
        var replaced = 0
        for k in rng.permutation(keys.count) where replaced < n {
            let synonyms = lexicon.synonyms(of: keys[k])
            guard !synonyms.isEmpty else { continue }
            let synonym = synonyms[rng.int(below: synonyms.count)]
            for (i, part) in parts.enumerated() where part.key == keys[k] { out.words[i] = part.replacingCore(with: synonym) }
            replaced += 1
        }
        return out
    }

    /// RI (eda_nlp's `random_insertion`): `n` times, a synonym of a random non-stop word that
    /// has synonyms goes in at a random position (0...words, lowercase as the lexicon gives it;
    /// a phrase counts as one insertion). Unlike eda_nlp, which gives up after ten draws without
    /// synonyms, the words with synonyms are found first; with none, the text comes back unchanged.
    func randomInsertion(_ text: WordSequence, n: Int, rng: inout RNG) -> WordSequence {
        let sources = contentKeys(text).map { lexicon.synonyms(of: $0) }.filter { !$0.isEmpty }
        guard !sources.isEmpty else { return text }
        var out = text
        for _ in 0..<n {
            let synonyms = sources[rng.int(below: sources.count)]
            let synonym = synonyms[rng.int(below: synonyms.count)]
            out.insert(synonym, at: rng.int(below: out.words.count + 1))
        }
        return out
    }

    /// RS (eda_nlp's `random_swap`): `n` times, two distinct random positions swap their words
    /// (the white space stays in place; a word moves with its punctuation and case). eda_nlp
    /// redraws the second position up to three times and may swap nothing; this draws it among
    /// the other positions. Fewer than two words: unchanged.
    static func randomSwap(_ text: WordSequence, n: Int, rng: inout RNG) -> WordSequence {
        guard text.words.count >= 2 else { return text }
        var out = text
        for _ in 0..<n {
            let i = rng.int(below: out.words.count)
            var j = rng.int(below: out.words.count - 1)
            if j >= i { j += 1 }
            out.words.swapAt(i, j)
        }
        return out
    }

    /// RD (eda_nlp's `random_deletion`): each word is deleted with probability `p`; when all
    /// would go, one random word stays. A one-word text is unchanged.
    static func randomDeletion(_ text: WordSequence, p: Float, rng: inout RNG) -> WordSequence {
        guard text.words.count >= 2 else { return text }
        let keep = text.words.map { _ in rng.uniform() >= p }
        var out = text
        if !keep.contains(true) {
            let survivor = rng.int(below: text.words.count)
            out.words = [text.words[survivor]]
            out.gaps = []
            return out
        }
        for i in keep.indices.reversed() where !keep[i] { out.remove(at: i) }
        return out
    }

    /// Which recipe each of a row's `copies` augmented copies uses, as eda_nlp's `eda()` does it:
    /// `copies / recipes.count + 1` copies of each recipe, shuffled, the first `copies` kept.
    /// So a recipe gets at most `copies / R + 1` copies and `copies / R` on average, the deal
    /// drawn from `rng` (with 9 copies of 4 operations, one may get 3 and another 1).
    static func assign(recipes: Int, copies: Int, rng: inout RNG) -> [Int] {
        let each = copies / recipes + 1
        let pool = (0..<recipes).flatMap { Array(repeating: $0, count: each) }
        return rng.permutation(pool.count).prefix(copies).map { pool[$0] }
    }

    /// The `copies` augmented versions of one row's text with the recipe each used (an index
    /// into `recipes`), reproducible from (`seed`, `row`) alone: the recipes are dealt from the
    /// stream `text:<row>:ops`, copy `c` draws from the stream `text:<row>:<c>`.
    func augment(_ text: String, row: Int, recipes: [EDARecipe], copies: Int, seed: UInt64) -> [(text: String, recipe: Int)] {
        var dealer = RNG(seed: seed, stream: "text:\(row):ops")
        let plan = EDA.assign(recipes: recipes.count, copies: copies, rng: &dealer)
        let words = WordSequence(text)
        return plan.enumerated().map { copy, recipe in
            var rng = RNG(seed: seed, stream: "text:\(row):\(copy)")
            var current = words
            for op in recipes[recipe].operations { current = apply(op, to: current, rng: &rng) }
            return (current == words ? text : current.text, recipe)
        }
    }
}
