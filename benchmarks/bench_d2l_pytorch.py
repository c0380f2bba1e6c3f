"""d2l's own IMDb recipes, in PyTorch as d2l writes them, with the vectors textnn's presets use.

The `d2l-textcnn-imdb` and `d2l-birnn-imdb` presets use GloVe 6B 50d (the vectors available
offline), where d2l uses 100d. This script runs d2l's PyTorch code (Dive-into-DL-PyTorch 10.7
and 10.8: tokenizing with `text.split(' ')` after lowercasing, torchtext-style vocabulary with
min_freq 5, reviews cut or padded with index 0 to 500 tokens, d2l's TextCNN and BiRNN modules,
Adam, 5 epochs, batch 64, the fifth epoch's test accuracy) with the same 50-d vectors, so the
presets' gap to d2l's published numbers can be split into what the vectors cost d2l's own code
and what remains between the two implementations.

    python benchmarks/bench_d2l_pytorch.py                         # both, seed 0
    python benchmarks/bench_d2l_pytorch.py --models textcnn --seeds 0 1
    python benchmarks/bench_d2l_pytorch.py --quick                 # 1 epoch on 500 reviews

Needs the benchmark extras (torch; `make bench` installs them). Results go into
benchmarks/results/presets.json (`pytorch`, by model and seed) and docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
import keys
from bench_speed import MALLOC_TUNED

from textnn.data import load_dataset
from textnn.vectors.pretrained import load_vectors

LENGTH, MIN_FREQ, BATCH, EPOCHS = 500, 5, 64, 5
# d2l's settings per model: preset it is compared with, learning rate
MODELS = {"textcnn": ("d2l-textcnn-imdb", 1e-3), "birnn": ("d2l-birnn-imdb", 1e-2)}
VECTORS = "glove-6b-50d"


def tokenize(text: str) -> list[str]:
    """d2l's tokenizer: split on single spaces, then lowercase."""
    return [token.lower() for token in text.split(" ")]


def vocabulary(tokenized: list[list[str]]) -> dict[str, int]:
    """torchtext's legacy Vocab(counter, min_freq=5), as d2l builds it: <unk> 0, <pad> 1, then
    words by falling count, ties in alphabetical order."""
    counts = collections.Counter(token for tokens in tokenized for token in tokens)
    words = sorted((w for w, c in counts.items() if c >= MIN_FREQ), key=lambda w: (-counts[w], w))
    return {word: i for i, word in enumerate(["<unk>", "<pad>", *words])}


def encode(tokenized: list[list[str]], stoi: dict[str, int]) -> np.ndarray:
    """<int64>[n, 500]: d2l cuts to 500 tokens or pads with index 0 (its `pad`)."""
    out = np.zeros((len(tokenized), LENGTH), np.int64)
    for row, tokens in enumerate(tokenized):
        ids = [stoi.get(t, 0) for t in tokens[:LENGTH]]
        out[row, : len(ids)] = ids
    return out


def run(model_name: str, seed: int, quick: bool) -> dict:
    import torch
    from torch import nn

    torch.set_num_threads(2)
    torch.set_flush_denormal(True)  # PyTorch's LSTM at its best on this CPU (bench_speed.py)
    torch.manual_seed(seed)
    started = time.perf_counter()
    data = load_dataset("imdb")
    train, test = data.train, data.test
    if quick:
        every = np.arange(0, 25_000, 50)
        train, test = train.subset(every), test.subset(every)
    train_tokens = [tokenize(t) for t in train.texts]
    stoi = vocabulary(train_tokens)
    vectors = load_vectors(VECTORS)
    weights = torch.zeros(len(stoi), vectors.dim)  # d2l: words without a vector get zeros
    known = 0
    for word, i in stoi.items():
        if word in vectors:
            weights[i] = torch.tensor(np.asarray(vectors[word], np.float32))
            known += 1
    features = torch.from_numpy(encode(train_tokens, stoi))
    labels = torch.from_numpy(np.asarray(train.labels, np.int64))
    test_features = torch.from_numpy(encode([tokenize(t) for t in test.texts], stoi))
    test_labels = torch.from_numpy(np.asarray(test.labels, np.int64))

    class TextCNN(nn.Module):  # d2l 10.8
        def __init__(self, kernel_sizes=(3, 4, 5), num_channels=(100, 100, 100)):
            super().__init__()
            self.embedding = nn.Embedding(len(stoi), vectors.dim)
            self.constant_embedding = nn.Embedding(len(stoi), vectors.dim)
            self.dropout = nn.Dropout(0.5)
            self.decoder = nn.Linear(sum(num_channels), 2)
            self.convs = nn.ModuleList(
                nn.Conv1d(2 * vectors.dim, c, k)
                for c, k in zip(num_channels, kernel_sizes, strict=True)
            )

        def forward(self, inputs):
            embeddings = torch.cat(
                (self.embedding(inputs), self.constant_embedding(inputs)), dim=2
            ).permute(0, 2, 1)
            encoding = torch.cat(
                [torch.relu(conv(embeddings)).amax(dim=2) for conv in self.convs], dim=1
            )
            return self.decoder(self.dropout(encoding))

    class BiRNN(nn.Module):  # d2l 10.7
        def __init__(self, num_hiddens=100, num_layers=2):
            super().__init__()
            self.embedding = nn.Embedding(len(stoi), vectors.dim)
            self.encoder = nn.LSTM(vectors.dim, num_hiddens, num_layers, bidirectional=True)
            self.decoder = nn.Linear(4 * num_hiddens, 2)

        def forward(self, inputs):
            outputs, _ = self.encoder(self.embedding(inputs.permute(1, 0)))
            return self.decoder(torch.cat((outputs[0], outputs[-1]), -1))

    net = TextCNN() if model_name == "textcnn" else BiRNN()
    net.embedding.weight.data.copy_(weights)
    net.embedding.weight.requires_grad = model_name == "textcnn"
    if model_name == "textcnn":
        net.constant_embedding.weight.data.copy_(weights)
        net.constant_embedding.weight.requires_grad = False
    lr = MODELS[model_name][1]
    optimizer = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(seed)
    epochs = 1 if quick else EPOCHS
    history = []
    for epoch in range(epochs):
        net.train()
        order = torch.randperm(len(labels), generator=generator)
        for start in range(0, len(order), BATCH):
            index = order[start : start + BATCH]
            optimizer.zero_grad()
            loss_fn(net(features[index]), labels[index]).backward()
            optimizer.step()
        net.eval()
        with torch.no_grad():
            predicted = torch.cat(
                [net(test_features[s : s + 256]).argmax(1) for s in range(0, len(test_labels), 256)]
            )
        accuracy = float((predicted == test_labels).float().mean())
        history.append(accuracy)
        print(f"{model_name} seed {seed} epoch {epoch + 1}: test {accuracy:.4f}", flush=True)
    return {
        "accuracy": history[-1],  # d2l reports the last epoch's
        "by_epoch": history,
        "vocabulary": len(stoi),
        "with_vectors": known,
        "seconds": round(time.perf_counter() - started, 1),
        "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),  # runs add up over days
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", choices=list(MODELS), default=list(MODELS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--quick", action="store_true", help="smoke run; writes no results")
    parser.add_argument("--one", nargs=2, metavar=("MODEL", "SEED"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # a child of in_fresh_process
        print(json.dumps(run(args.one[0], int(args.one[1]), args.quick)))
        return
    previous = keys.load("presets") or {}
    pytorch = previous.get("pytorch", {"runs": {}})
    for name in args.models:
        for seed in args.seeds:
            result = in_fresh_process(name, seed, args.quick)
            print(json.dumps({"model": name, "seed": seed, **result}), flush=True)
            pytorch["runs"].setdefault(MODELS[name][0], {})[str(seed)] = result
    if args.quick:
        print("quick run: nothing written")
        return
    pytorch.update(machine=common.machine(), vectors=VECTORS, torch=metadata.version("torch"))
    path = common.RESULTS / "presets.json"
    path.write_text(json.dumps({**previous, "pytorch": pytorch}, indent=2) + "\n")
    print(f"wrote {path}")


def in_fresh_process(model: str, seed: int, quick: bool) -> dict:
    """One run in a fresh interpreter with glibc set to keep freed memory for reuse, PyTorch's
    best setting on this machine (bench_speed.py's MALLOC_TUNED)."""
    command = [sys.executable, __file__, "--one", model, str(seed), *(["--quick"] * quick)]
    env = {**os.environ, "GLIBC_TUNABLES": MALLOC_TUNED, "OMP_NUM_THREADS": "2"}
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=True)
    lines = done.stdout.strip().splitlines()
    print("\n".join(lines[:-1]), flush=True)
    return json.loads(lines[-1])


if __name__ == "__main__":
    main()
