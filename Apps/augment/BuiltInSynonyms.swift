// The small synonym list augment text falls back on when no WordNet database is installed.

/// About a hundred groups of common English synonyms (some 300 words), written for GenSuite; used
/// when neither `$WNSEARCHDIR` nor `/usr/share/wordnet` holds WordNet (install Debian's
/// `wordnet-base` for the full lexicon). Every listed synonym of a word also finds the word and
/// the other synonyms (the groups are symmetric). Lookups are exact, lowercase, with no
/// morphology.
final class BuiltInSynonyms: SynonymLexicon {
    /// Groups of interchangeable words (each group in a fixed order).
    static let groups: [[String]] = [
        ["happy", "glad", "cheerful", "joyful"], ["sad", "unhappy", "sorrowful", "gloomy"], ["good", "fine", "nice", "decent"],
        ["bad", "poor", "awful", "terrible"], ["big", "large", "huge", "great"], ["small", "little", "tiny", "minor"],
        ["fast", "quick", "rapid", "speedy"], ["slow", "sluggish", "unhurried"], ["old", "aged", "elderly", "ancient"],
        ["new", "fresh", "novel", "recent"], ["easy", "simple", "effortless"], ["hard", "difficult", "tough"],
        ["beautiful", "lovely", "pretty", "attractive"], ["ugly", "unattractive", "unsightly"],
        ["smart", "clever", "bright", "intelligent"],
        ["stupid", "dumb", "foolish", "silly"], ["rich", "wealthy", "affluent"], ["angry", "mad", "furious", "irate"],
        ["afraid", "scared", "frightened", "fearful"], ["brave", "courageous", "bold", "fearless"],
        ["calm", "quiet", "peaceful", "tranquil"],
        ["strange", "odd", "weird", "peculiar"], ["funny", "amusing", "humorous", "comic"], ["boring", "dull", "tedious", "tiresome"],
        ["interesting", "intriguing", "engaging"], ["important", "significant", "crucial", "vital"], ["strong", "powerful", "sturdy"],
        ["weak", "feeble", "frail"], ["clean", "spotless", "tidy"], ["dirty", "filthy", "grimy"], ["tired", "weary", "exhausted"],
        ["begin", "start", "commence"], ["end", "finish", "conclude"], ["make", "create", "produce", "build"],
        ["get", "obtain", "acquire"],
        ["give", "provide", "offer"], ["buy", "purchase"], ["help", "aid", "assist"], ["show", "display", "present"],
        ["say", "state", "declare"], ["tell", "inform", "notify"], ["ask", "inquire", "query"], ["look", "see", "watch", "observe"],
        ["think", "believe", "consider"], ["like", "enjoy", "love"], ["hate", "detest", "loathe"], ["want", "wish", "desire"],
        ["try", "attempt", "endeavor"], ["use", "employ", "utilize"], ["keep", "retain", "hold"], ["leave", "depart", "exit"],
        ["walk", "stroll", "wander"], ["run", "sprint", "dash"], ["talk", "speak", "chat"], ["shout", "yell", "scream"],
        ["eat", "consume", "devour"], ["fix", "repair", "mend"], ["break", "smash", "shatter"], ["choose", "pick", "select"],
        ["movie", "film", "picture"], ["film", "movie", "flick"], ["car", "automobile", "vehicle"], ["house", "home", "dwelling"],
        ["job", "work", "occupation"], ["friend", "companion", "pal"], ["child", "kid", "youngster"], ["man", "gentleman", "fellow"],
        ["woman", "lady"], ["story", "tale", "narrative"], ["book", "volume", "tome"], ["road", "street", "route"],
        ["problem", "issue", "trouble"], ["idea", "notion", "concept"], ["answer", "reply", "response"], ["mistake", "error", "fault"],
        ["gift", "present"], ["trip", "journey", "voyage"], ["place", "location", "spot"], ["part", "piece", "portion"],
        ["food", "meal", "fare"], ["money", "cash", "funds"], ["price", "cost", "charge"], ["shop", "store"], ["plot", "storyline"],
        ["actor", "performer", "player"], ["quickly", "rapidly", "swiftly", "fast"], ["slowly", "gradually", "leisurely"],
        ["very", "extremely", "really", "highly"], ["often", "frequently", "regularly"], ["maybe", "perhaps", "possibly"],
        ["almost", "nearly", "practically"], ["completely", "totally", "entirely", "fully"], ["great", "excellent", "superb", "terrific"],
        ["wonderful", "marvelous", "fantastic"], ["awful", "dreadful", "horrible"], ["cheap", "inexpensive", "affordable"],
        ["expensive", "costly", "pricey"], ["loud", "noisy", "deafening"], ["correct", "right", "accurate"],
        ["wrong", "incorrect", "mistaken"],
    ]

    private let table: [String: [String]]

    var name: String { "built-in" }

    init() {
        var table: [String: [String]] = [:]
        for group in BuiltInSynonyms.groups {
            for word in group {
                var list = table[word] ?? []
                for other in group where other != word && !list.contains(other) { list.append(other) }
                table[word] = list
            }
        }
        self.table = table
    }

    func synonyms(of word: String) -> [String] { table[word.lowercased()] ?? [] }
}
