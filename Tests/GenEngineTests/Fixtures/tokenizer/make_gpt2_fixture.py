"""Regenerates the byte-level BPE fixtures with Hugging Face `tokenizers` and GPT-2's own pattern
(not needed to run the tests; run from this folder):

    pip install tokenizers regex && python3 make_gpt2_fixture.py

Writes
- corpus.txt: 12 KB of the repository's Shakespeare sample plus a block of Korean, emoji, code and
  numbers (the training text);
- tokenizer.json, vocab.json, merges.txt: a GPT-2-style byte-level BPE (ByteLevel pre-tokenizer,
  add_prefix_space=False, all 256 bytes in the alphabet, <|endoftext|>) trained by `BpeTrainer`
  to 500 tokens on corpus.txt as one sequence;
- gpt2_expected.json: for each test sentence the ids `tokenizers` gives and the pre-token split of
  GPT-2's pattern under Python's `regex` (checked here to equal the `tokenizers` ByteLevel split),
  and the same split for seeded random strings over a palette of tricky characters.
"""
import gzip
import json
import os
import random

import regex
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from gpt2_bytes import bytes_to_unicode

HERE = os.path.dirname(os.path.abspath(__file__))
GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
VOCAB_SIZE = 500

# The training text.
shakespeare = os.path.join(HERE, "../../../../samples/data/shakespeare/shakespeare_1mb.txt.gz")
with gzip.open(shakespeare, "rt", encoding="utf-8") as f:
    text = f.read(12000)
text = text[: text.rindex("\n\n") + 2]
text += """안녕하세요! 한국어 문장을 토큰으로 나눕니다. 오늘은 날씨가 좋네요.
서울에서 부산까지 400킬로미터, 기차로 2시간 30분입니다.
Emoji 😀😀 and 👍🏽, the family 👩‍👩‍👧‍👦 and the flag 🇰🇷 are several code points each.
Café, naïve, résumé; and decomposed cafe\u0301 too.
def add(a, b):\n    return a + b  # numbers: 3.14159, 1,000,000, 42nd, 2024-05-01\n
    if x != y: print("they're", 'we\\'ll', "I'd've")\n\n\n
Tabs\tand\ttrailing spaces   \nCRLF line\r\nend.\n"""
with open(os.path.join(HERE, "corpus.txt"), "w", encoding="utf-8", newline="") as f:
    f.write(text)

# Train the tokenizer on the corpus as one sequence.
tokenizer = Tokenizer(models.BPE())
tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
tokenizer.decoder = decoders.ByteLevel()
trainer = trainers.BpeTrainer(vocab_size=VOCAB_SIZE, special_tokens=["<|endoftext|>"], show_progress=False,
                              initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
tokenizer.train_from_iterator([text], trainer=trainer)
tokenizer.save(os.path.join(HERE, "tokenizer.json"))
tokenizer.model.save(HERE)  # vocab.json, merges.txt

sentences = [
    "I don't know, but they'll say it's fine; we've seen what you'd do, I'm sure.",
    "DON'T SHOUT'S 'quoted' 'tis O'Neil's rock'n'roll and the '80s",
    "In 2024, 3.14159 × 10^3 = 3141.59 and 1,000,000 > 999_999!!!",
    "Wait... what?!?! ---> (yes) [no] {maybe} <<EOF>> ~~~",
    "  leading spaces,   multiple   spaces,\n\nnewlines\r\n\ttabs\t\t and trailing   ",
    "안녕하세요, 세계! 한국어 문장입니다. 1234개의 토큰",
    "Emoji: 👩‍👩‍👧‍👦 family, 👍🏽 thumbs, 🇰🇷 flag, é vs e\u0301 (combining)",
    "func main() {\n    let x = [1, 2, 3].map { $0 * 2 }\n    print(x) // prints [2, 4, 6]\n}\n",
    "Non-breaking\u00a0space, ideographic\u3000space, line\u2028separator, ٣ ½ Ⅻ numbers",
    "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.",
    "Hello<|endoftext|>World, and <|endoftext|> again",
]
special_sentence = len(sentences) - 1


def hf_split(s):
    pre = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    decode = {c: b for b, c in bytes_to_unicode().items()}
    return [bytes(decode[c] for c in piece).decode("utf-8", errors="surrogatepass") for piece, _ in pre.pre_tokenize_str(s)]


def split(s):
    pieces = regex.findall(GPT2_PATTERN, s)
    assert "".join(pieces) == s
    # Pieces cut inside a character would not decode; compare on whole-character pieces only.
    if all(p.encode("utf-8", "surrogatepass").decode("utf-8", "ignore") == p for p in pieces):
        assert pieces == hf_split(s), (s, pieces, hf_split(s))
    return pieces


cases = []
for i, s in enumerate(sentences):
    encoding = tokenizer.encode(s)
    assert tokenizer.decode(encoding.ids, skip_special_tokens=False) == s
    cases.append({"text": s, "ids": encoding.ids, "tokens": encoding.tokens, "splits": split(s),
                  "has_special_tokens": i == special_sentence})

# Random strings over characters whose classes differ (letters of several scripts, numbers of
# every N category, White_Space of several kinds, marks, format characters, symbols), with runs.
palette = [
    " ", " ", " ", "  ", "   ", "\t", "\n", "\r\n", "\r", "\x0b", "\x0c", "\x85", "\u00a0", "\u1680", "\u2003", "\u2028",
    "\u3000", "'", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'x", "a", "Zq", "hello", "ß", "Ωμέγα", "Привет",
    "한국", "가", "漢字", "カタカナ", "ᄀ", "عربى", "क\u093f", "e\u0301", "\u0308", "0", "42", "٣", "½", "²", "Ⅻ", "1.5",
    "!", "?!", "...", "-", "--", "_", "\"", "(", ")", "[", "$", "€", "©", "→", "😀", "👍🏽", "👩\u200d👩\u200d👧",
    "🇰🇷", "\u200b", "\ufeff", "\x00", "\x1f", "\x7f",
]
rng = random.Random(2019)
random_cases = []
for _ in range(300):
    s = "".join(rng.choice(palette) for _ in range(rng.randint(1, 24)))
    random_cases.append({"text": s, "splits": split(s)})

with open(os.path.join(HERE, "gpt2_expected.json"), "w", encoding="utf-8") as f:
    json.dump({"tokenizers_version": __import__("tokenizers").__version__, "vocab_size": VOCAB_SIZE,
               "special_tokens": ["<|endoftext|>"], "sentences": cases, "random_splits": random_cases},
              f, ensure_ascii=False, indent=1)
print(f"{len(tokenizer.get_vocab())} tokens, {len(cases)} sentences, {len(random_cases)} random splits")
