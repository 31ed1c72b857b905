// The English stop words that EDA's synonym replacement and random insertion leave alone.

/// Common English function words (pronouns, determiners, auxiliaries, prepositions,
/// conjunctions, contractions), lowercase. EDA never replaces them by synonyms nor draws them as
/// the source of an inserted synonym, as eda_nlp's `stop_words` list (Wei & Zou, EMNLP 2019;
/// jasonwei20/eda_nlp, `code/eda.py`) does; this list is written for GenSuite, not copied.
/// Contractions appear with and without their apostrophe ("don't" and "dont").
let englishStopWords: Set<String> = {
    let words = """
        a about above after again against all also am an and any are aren't arent as at be because been before being below \
        between both but by can can't cannot cant could couldn't couldnt did didn't didnt do does doesn't doesnt doing don't dont \
        down during each either else ever every few for from further had hadn't hadnt has hasn't hasnt have haven't havent having \
        he he'd he'll he's hed hes her here here's heres hers herself him himself his how how's hows however i i'd i'll i'm \
        i've im ive if in into is isn't isnt it it's its itself just let's may me might more most must mustn't mustnt \
        my myself neither no nor not now of off on once only or other ought our ours ourselves out over own same shall shan't \
        she she'd she'll she's shes should shouldn't shouldnt so some such than that that's thats the their theirs them \
        themselves then there there's theres these they they'd they'll they're they've theyd theyll theyre theyve this those \
        though through to too under until up upon us very was wasn't wasnt we we'd we'll we're we've were weren't \
        werent weve what what's whats when when's whens where where's wheres whether which while who who's whom whos whose why \
        why's whys will with won't would wouldn't wouldnt yet you you'd you'll you're you've youd youll your youre yours \
        yourself yourselves youve
        """
    return Set(words.split(separator: " ").map(String.init))
}()
