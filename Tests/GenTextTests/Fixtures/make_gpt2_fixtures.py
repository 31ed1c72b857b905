"""Fixtures for gen-text's GPT-2 checks, made once with the real references (the tests read only
the files this writes):

1. GPT-2's tokenizer: the rank file gpt2.tiktoken from openai-whisper's source archive (MIT) is
   converted to vocab.json + merges.txt (gzipped), and tiktoken's own gpt2 encoding of
   multilingual.txt is written to gpt2_tiktoken_ids.json.
2. A tiny random GPT-2 made with transformers (2 layers, width 64, 4 heads, context 32, the
   500-token BPE of Tests/GenEngineTests/Fixtures/tokenizer), saved with save_pretrained
   (safetensors) in tiny-gpt2/, with its logits for a prompt and 20 tokens of greedy generation
   in tiny-gpt2-expected.json.

Usage: pip install tiktoken torch transformers; pip download openai-whisper --no-deps
--no-binary :all:; unpack it; then
    python3 make_gpt2_fixtures.py PATH/TO/whisper/assets/gpt2.tiktoken
"""
import base64
import gzip
import json
import os
import shutil
import sys

import tiktoken
import torch
from transformers import GPT2Config, GPT2LMHeadModel

here = os.path.dirname(os.path.abspath(__file__))
# GPT-2's byte -> printable character map, from the engine's tokenizer fixture script.
sys.path.insert(0, os.path.join(here, "..", "..", "GenEngineTests", "Fixtures", "tokenizer"))
from gpt2_bytes import bytes_to_unicode  # noqa: E402

# GPT-2's pre-tokenisation pattern (openai/gpt-2 encoder.py; tiktoken_ext/openai_public.py).
PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def tokenizer_fixture(rank_file):
    ranks = {}
    for line in open(rank_file, "rb").read().splitlines():
        token, rank = line.split()
        ranks[base64.b64decode(token)] = int(rank)
    encoding = tiktoken.Encoding(name="gpt2", pat_str=PATTERN, mergeable_ranks=ranks, special_tokens={"<|endoftext|>": 50256})
    byte_map = bytes_to_unicode()
    show = lambda b: "".join(byte_map[x] for x in b)
    vocab = {show(token): rank for token, rank in ranks.items()}
    vocab["<|endoftext|>"] = 50256
    # Each multi-byte token is the merge of the two parts BPE with lower ranks leaves of it.
    merges = []
    for token, rank in sorted(ranks.items(), key=lambda item: item[1]):
        if len(token) < 2:
            continue
        parts = [bytes([b]) for b in token]
        while len(parts) > 2:
            best = min(range(len(parts) - 1), key=lambda i: ranks.get(parts[i] + parts[i + 1], 1 << 30))
            parts[best:best + 2] = [parts[best] + parts[best + 1]]
        merges.append(f"{show(parts[0])} {show(parts[1])}")
    with gzip.GzipFile(os.path.join(here, "gpt2-vocab.json.gz"), "wb", mtime=0) as fh:
        fh.write(json.dumps(vocab, ensure_ascii=False).encode())
    with gzip.GzipFile(os.path.join(here, "gpt2-merges.txt.gz"), "wb", mtime=0) as fh:
        fh.write(("#version: 0.2\n" + "\n".join(merges) + "\n").encode())
    text = open(os.path.join(here, "multilingual.txt"), encoding="utf-8").read()
    ids = encoding.encode(text, allowed_special=set())
    assert encoding.decode(ids) == text
    with open(os.path.join(here, "gpt2_tiktoken_ids.json"), "w") as fh:
        json.dump({"ids": ids}, fh)
    print("tokenizer:", len(vocab), "tokens,", len(merges), "merges,", len(ids), "ids for the test text")


def model_fixture():
    source = os.path.join(here, "..", "..", "GenEngineTests", "Fixtures", "tokenizer")
    out = os.path.join(here, "tiny-gpt2")
    os.makedirs(out, exist_ok=True)
    for name in ("vocab.json", "merges.txt"):
        shutil.copy(os.path.join(source, name), os.path.join(out, name))
    vocab_size = len(json.load(open(os.path.join(out, "vocab.json"))))
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=vocab_size, n_positions=32, n_embd=64, n_layer=2, n_head=4,
                        bos_token_id=0, eos_token_id=None, pad_token_id=0)
    model = GPT2LMHeadModel(config).eval()
    # Wider weights than the default 0.02 init, so that logits differ clearly between tokens.
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.1)
    model.save_pretrained(out, safe_serialization=True)
    prompt = [17, 250, 3, 99, 421, 8, 77]
    with torch.no_grad():
        logits = model(torch.tensor([prompt])).logits[0]
        generated = model.generate(torch.tensor([prompt]), do_sample=False, max_new_tokens=20, min_new_tokens=20,
                                   pad_token_id=0)[0][len(prompt):]
    with open(os.path.join(here, "tiny-gpt2-expected.json"), "w") as fh:
        json.dump({"prompt": prompt, "logits": [[round(float(v), 7) for v in row] for row in logits],
                   "greedy": [int(t) for t in generated]}, fh)
    print("model:", sum(p.numel() for p in model.parameters()), "parameters; greedy", generated.tolist())


if __name__ == "__main__":
    tokenizer_fixture(sys.argv[1])
    model_fixture()
