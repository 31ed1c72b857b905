"""PyTorch CPU reference for gen-bench: the same GEMM shapes and the same four training
configurations (forward + backward + AdamW step), written as bench.json for `gen-bench compare`.

    pip install torch && python3 bench/pytorch_reference.py --json bench-pytorch.json
"""
import argparse
import json
import os
import platform
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def rate(fn, seconds, warmup=2, minimum=3):
    for _ in range(warmup):
        fn()
    runs, start = 0, time.perf_counter()
    while runs < minimum or time.perf_counter() - start < seconds:
        fn()
        runs += 1
    return runs / (time.perf_counter() - start)


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Block(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.c_attn, self.c_proj = nn.Linear(width, 3 * width), nn.Linear(width, width)
        self.c_fc, self.mlp_proj = nn.Linear(width, 4 * width), nn.Linear(4 * width, width)
        self.heads = heads

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(c, dim=2)
        q, k, v = (z.view(b, t, self.heads, c // self.heads).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.c_proj(y.transpose(1, 2).contiguous().view(b, t, c))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x))))


class GPT(nn.Module):
    def __init__(self, vocab=65, context=64, layers=4, heads=4, width=128):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab, width), nn.Embedding(context, width)
        self.h = nn.ModuleList(Block(width, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(width)

    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
        for block in self.h:
            x = block(x)
        logits = F.linear(self.ln_f(x), self.wte.weight)
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


class CharLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding, self.lstm, self.head = nn.Embedding(65, 64), nn.LSTM(64, 256, 2, batch_first=True), nn.Linear(256, 65)

    def forward(self, x, y):
        return F.cross_entropy(self.head(self.lstm(self.embedding(x))[0]).view(-1, 65), y.view(-1))


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc21, self.fc22 = nn.Linear(784, 400), nn.Linear(400, 20), nn.Linear(400, 20)
        self.fc3, self.fc4 = nn.Linear(20, 400), nn.Linear(400, 784)

    def forward(self, x):
        h = F.relu(self.fc1(x))
        mu, logvar = self.fc21(h), self.fc22(h)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        logits = self.fc4(F.relu(self.fc3(z)))
        bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
        return bce - 0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())


def dcgan():
    g = nn.Sequential(nn.Linear(100, 128 * 7 * 7), nn.Unflatten(1, (128, 7, 7)), nn.BatchNorm2d(128), nn.ReLU(),
                      nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU(),
                      nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh())
    d = nn.Sequential(nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(64, 128, 4, 2, 1), nn.BatchNorm2d(128),
                      nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(128 * 7 * 7, 1))
    return g, d


def training(seconds, only=""):
    results = []

    def add(name, unit, items, step):
        if not name.startswith(only):
            return
        r = rate(step, seconds)
        results.append({"name": name, "unit": unit, "value": r * items, "peak_rss_mb": peak_mb()})

    gpt = GPT()
    opt = torch.optim.AdamW(gpt.parameters(), lr=3e-4)
    x, y = torch.randint(0, 65, (12, 64)), torch.randint(0, 65, (12, 64))

    def gpt_step():
        opt.zero_grad(set_to_none=True)
        gpt(x, y).backward()
        opt.step()
    add("train.gpt", "tokens/s", 12 * 64, gpt_step)

    lstm = CharLSTM()
    opt_l = torch.optim.AdamW(lstm.parameters(), lr=2e-3)
    lx, ly = torch.randint(0, 65, (32, 100)), torch.randint(0, 65, (32, 100))

    def lstm_step():
        opt_l.zero_grad(set_to_none=True)
        lstm(lx, ly).backward()
        opt_l.step()
    add("train.lstm", "tokens/s", 32 * 100, lstm_step)

    vae = VAE()
    opt_v = torch.optim.AdamW(vae.parameters(), lr=1e-3)
    vx = torch.rand(128, 784)

    def vae_step():
        opt_v.zero_grad(set_to_none=True)
        vae(vx).backward()
        opt_v.step()
    add("train.vae", "images/s", 128, vae_step)

    g, d = dcgan()
    opt_g = torch.optim.AdamW(g.parameters(), lr=2e-4, betas=(0.5, 0.999), weight_decay=0)
    opt_d = torch.optim.AdamW(d.parameters(), lr=2e-4, betas=(0.5, 0.999), weight_decay=0)
    real = torch.rand(64, 1, 28, 28) * 2 - 1
    ones, zeros = torch.ones(64, 1), torch.zeros(64, 1)

    def gan_step():
        z = torch.randn(64, 100)
        with torch.no_grad():
            fake = g(z)
        opt_d.zero_grad(set_to_none=True)
        (F.binary_cross_entropy_with_logits(d(real), ones) + F.binary_cross_entropy_with_logits(d(fake), zeros)).backward()
        opt_d.step()
        opt_g.zero_grad(set_to_none=True)
        F.binary_cross_entropy_with_logits(d(g(z)), ones).backward()
        opt_g.step()
    add("train.dcgan", "images/s", 64, gan_step)
    return results


def gemm(seconds, only=""):
    results = []
    for m, k, n in [(256, 256, 256), (512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048),
                    (64, 256, 256), (64, 512, 2048), (4096, 128, 128)]:
        if not f"gemm.{m}x{k}x{n}".startswith(only):
            continue
        a, b = torch.randn(m, k), torch.randn(k, n)
        r = rate(lambda: torch.mm(a, b), seconds)
        results.append({"name": f"gemm.{m}x{k}x{n}", "unit": "GFLOPS", "value": r * 2 * m * n * k / 1e9, "peak_rss_mb": peak_mb()})
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", default="bench-pytorch.json")
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--threads", type=int, default=int(os.environ.get("GEN_THREADS", os.cpu_count())))
    parser.add_argument("--only", default="", help="only the cases whose name starts with this (as gen-bench --only)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    results = gemm(args.seconds, args.only) + training(args.seconds, args.only)
    for r in results:
        print(f"{r['name']:<24}{r['value']:>14.1f}  {r['unit']}")
    machine = {"tool": f"PyTorch {torch.__version__}", "threads": str(args.threads), "cpu": platform.processor()}
    with open(args.json, "w") as f:
        json.dump({"machine": machine, "results": results}, f, indent=2)


if __name__ == "__main__":
    main()
