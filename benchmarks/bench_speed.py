"""Training and inference speed, textnn against PyTorch, side by side in one run on IMDb.

The same models in both (TextCNN: multichannel 100-d embedding, widths 3,4,5 x 100, dropout,
Adam; BiLSTM: frozen 100-d embedding, 2 bidirectional layers of 100, first-last head, Adam),
the same IMDb reviews, batch 64, each case in a fresh process with 2 threads:
  padded     every batch padded or cut to 500 tokens (d2l's set-up)
  bucketed   textnn's length-bucketed batches (the same batches for both frameworks)
Training: examples/s and real tokens/s over timed steps after a warm-up. Inference: reviews/s
classifying IMDb test reviews in batches of 256, as every textnn prediction does it (TextCNN
folded into per-token tables, built before the timed batches; also timed unfolded). PyTorch
runs with `torch.set_flush_denormal(True)` (and, for the LSTM, also without it), each case
twice: with glibc's default allocator, and with glibc tuned to keep freed blocks for reuse
(`MALLOC_TUNED`; PyTorch's Performance Tuning Guide advises a caching allocator such as jemalloc
or TCMalloc for the same reason). By default glibc maps large blocks (above a threshold of at
most 32 MB) fresh from the system and unmaps them when freed, so an eager framework that
allocates large temporaries at every step also pays a page fault per 4 KB touched, every step.
textnn runs as the `textnn` command does, with its allocator setting (textnn/memory.py's
`keep_freed_memory`; bench_models.py times textnn without it too).

    python benchmarks/bench_speed.py [--steps 20] [--quick]

Needs the benchmark extras (`make bench` installs them: requirements-bench.txt). Writes
benchmarks/results/speed.json and regenerates docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

BATCH, LENGTH, DIM, HIDDEN, INFER_BATCH = 64, 500, 100, 100, 256
# glibc keeps freed blocks of any size for reuse instead of unmapping those over its mmap
# threshold (and trimming the heap): PyTorch's LSTM step then runs about 2x faster here.
MALLOC_TUNED = "glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=1073741824"


def prepare(
    split: str, n: int, bucket: bool, batch_size: int, seed: int = 0, vocab_texts: int | None = None
):
    """Batches of `n` IMDb reviews of `split` (glove tokenizer, vocabulary from train, or from its
    first `vocab_texts` reviews)."""
    import numpy as np

    from textnn.data import load_dataset
    from textnn.text import BucketedBatches, Tokenizer, build_and_encode

    data = load_dataset("imdb")
    tokenizer = Tokenizer("glove")
    vocab, _ = build_and_encode(data.train.texts[:vocab_texts], tokenizer, min_freq=5)
    examples = data[split]
    order = np.random.default_rng(seed).permutation(len(examples))[:n]
    texts = [examples.texts[i] for i in order]
    ids = tokenizer.encode(texts, vocab)
    batches = BucketedBatches(
        ids,
        examples.labels[order],
        batch_size=batch_size,
        max_length=LENGTH,
        shuffle=True,
        seed=seed,
        bucket=bucket,
    )
    return len(vocab), list(batches.batches(0))


def case_batches(case: dict):
    """The vocabulary size and the batches a case runs on: training batches of 64 from train,
    or inference batches of 256 from test."""
    training = case["task"] == "train"
    return prepare(
        "train" if training else "test",
        case["examples"],
        case["mode"] == "bucketed",
        BATCH if training else INFER_BATCH,
        vocab_texts=case.get("vocab_texts"),
    )


def jax_case(case: dict) -> dict:
    from textnn.memory import keep_freed_memory

    keep_freed_memory()  # as the `textnn` command does, before any JAX step
    import jax
    import numpy as np
    from flax import nnx

    from textnn.config import TrainConfig
    from textnn.models import build_model
    from textnn.models.inference import for_inference, predict_step
    from textnn.train.optim import optimizer as make_optimizer
    from textnn.train.trainer import train_step

    training = case["task"] == "train"
    vocab_size, batches = case_batches(case)
    vectors = np.random.default_rng(0).normal(0, 0.4, (vocab_size, DIM)).astype(np.float32)
    if case["model"] == "textcnn":
        model = build_model("textcnn", embeddings=vectors, embedding="multichannel")
    else:
        model = build_model("bilstm", embeddings=vectors, embedding="static", hidden=HIDDEN)
    if training:
        optimizer = nnx.Optimizer(
            model, make_optimizer(TrainConfig(epochs=1, learning_rate=1e-3), 1), wrt=nnx.Param
        )

        def run(batch):
            loss, _ = train_step(
                model,
                optimizer,
                batch.ids,
                batch.lengths,
                batch.labels,
                batch.mask.astype(np.float32),
                num_classes=2,
                smoothing=0.0,
            )
            return jax.block_until_ready(loss)

        return timed(run, batches, case)
    # What every textnn prediction uses: the model's folded form where it has one (TextCNN's
    # convolutions become per-token tables). Building it is a one-time cost, reported apart.
    started = time.perf_counter()
    model.eval()
    predictor = for_inference(model) if case.get("fold", True) else model
    jax.block_until_ready(nnx.state(predictor))
    fold_seconds = time.perf_counter() - started

    def run(batch):
        return np.asarray(predict_step(predictor, batch.ids, batch.lengths))

    folded = predictor is not model
    return {**timed(run, batches, case), "folded": folded, "fold_seconds": fold_seconds}


def torch_case(case: dict) -> dict:
    import numpy as np
    import torch
    from torch import nn

    torch.set_num_threads(2)
    torch.set_flush_denormal(case["flush_denormal"])
    torch.manual_seed(0)
    training = case["task"] == "train"
    vocab_size, batches = case_batches(case)
    vectors = torch.tensor(
        np.random.default_rng(0).normal(0, 0.4, (vocab_size, DIM)).astype(np.float32)
    )

    class TextCNN(nn.Module):  # d2l 16.3, with the same widths and channels
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding.from_pretrained(vectors.clone(), freeze=False)
            self.constant = nn.Embedding.from_pretrained(vectors.clone(), freeze=True)
            self.convs = nn.ModuleList(nn.Conv1d(2 * DIM, 100, k) for k in (3, 4, 5))
            self.dropout = nn.Dropout(0.5)
            self.out = nn.Linear(300, 2)

        def forward(self, ids):
            x = torch.cat([self.embedding(ids), self.constant(ids)], dim=2).permute(0, 2, 1)
            pooled = [torch.relu(conv(x)).amax(dim=2) for conv in self.convs]
            return self.out(self.dropout(torch.cat(pooled, dim=1)))

    class BiLSTM(nn.Module):  # d2l 16.2
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding.from_pretrained(vectors.clone(), freeze=True)
            self.lstm = nn.LSTM(DIM, HIDDEN, num_layers=2, bidirectional=True, batch_first=True)
            self.out = nn.Linear(4 * HIDDEN, 2)

        def forward(self, ids):
            outputs, _ = self.lstm(self.embedding(ids))
            return self.out(torch.cat([outputs[:, 0], outputs[:, -1]], dim=1))

    model = TextCNN() if case["model"] == "textcnn" else BiLSTM()
    if training:
        model.train()
        optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], 1e-3)
        loss_fn = nn.CrossEntropyLoss()

        def run(batch):
            ids = torch.from_numpy(batch.ids.astype(np.int64))
            labels = torch.from_numpy(batch.labels.astype(np.int64))
            optimizer.zero_grad()
            loss = loss_fn(model(ids), labels)
            loss.backward()
            optimizer.step()
            return float(loss)
    else:
        model.eval()

        def run(batch):
            with torch.inference_mode():
                ids = torch.from_numpy(batch.ids.astype(np.int64))
                return torch.softmax(model(ids), dim=1).numpy()

    return timed(run, batches, case)


def timed(run, batches, case: dict) -> dict:
    """Warm up on the first batches (and every shape for bucketed runs), then time the rest."""
    warmup = case["warmup"]
    seen_shapes = set()
    for batch in batches[:warmup]:
        run(batch)
        seen_shapes.add(batch.ids.shape)
    timed_batches = batches[warmup : warmup + case["steps"]]
    for batch in timed_batches:  # compile any shape not seen yet, untimed
        if batch.ids.shape not in seen_shapes and case["framework"] == "textnn":
            run(batch)
            seen_shapes.add(batch.ids.shape)
    started = time.perf_counter()
    for batch in timed_batches:
        run(batch)
    seconds = time.perf_counter() - started
    examples = sum(b.num_real for b in timed_batches)
    tokens = sum(int(b.lengths.sum()) for b in timed_batches)
    return {
        **case,
        "seconds": seconds,
        "examples": examples,
        "examples_per_s": examples / seconds,
        "tokens_per_s": tokens / seconds,
    }


def cases(steps: int, quick: bool) -> list[dict]:
    out = []
    # Quick (CI's smoke run): TextCNN alone, since every case is a process of its own.
    for model in ("textcnn",) if quick else ("textcnn", "bilstm"):
        for mode in ("padded", "bucketed"):
            train = {"task": "train", "model": model, "mode": mode, "warmup": 3, "steps": steps}
            train["examples"] = BATCH * (train["warmup"] + steps)
            if mode == "bucketed" and not quick:  # enough batches for a spread of lengths
                train["examples"] = max(train["examples"], BATCH * 40)
            out.append({**train, "framework": "textnn"})
            if not quick or mode == "bucketed":  # quick: PyTorch at one setting of each task
                out += pytorch_cases(train)[:1] if quick else pytorch_cases(train)
            if model == "bilstm" and mode == "padded" and not quick:
                slow = {**train, "steps": max(2, steps // 4), "framework": "pytorch"}
                out.append({**slow, "flush_denormal": False, "malloc": "default"})
        infer_steps = 2 if quick else 16
        infer = {"task": "infer", "model": model, "mode": "bucketed", "warmup": 2}
        infer |= {"steps": infer_steps, "examples": INFER_BATCH * (2 + infer_steps)}
        out.append({**infer, "framework": "textnn"})
        if model == "textcnn" and not quick:  # the model unfolded: what folding gains
            out.append({**infer, "framework": "textnn", "fold": False})
        out += pytorch_cases(infer)[:1] if quick else pytorch_cases(infer)
    if quick:  # the vocabulary of 2,000 reviews, not 25,000: 4 s less a case
        out = [{**case, "vocab_texts": 2000} for case in out]
    return out


def pytorch_cases(case: dict) -> list[dict]:
    """PyTorch at its best setting (flush denormals, `MALLOC_TUNED`), then with glibc's default
    allocator."""
    best = {**case, "framework": "pytorch", "flush_denormal": True}
    return [{**best, "malloc": "tuned"}, {**best, "malloc": "default"}]


def case_environment(case: dict) -> dict[str, str]:
    env = {**os.environ, "OMP_NUM_THREADS": "2"}
    env.pop("GLIBC_TUNABLES", None)
    if case["framework"] == "pytorch":
        # PyTorch's process imports textnn too (to read the batches): keep textnn's own
        # allocator setting out of it whatever path sets it, so `malloc` alone says how glibc runs
        env["TEXTNN_MALLOC"] = "system"
        if case.get("malloc") == "tuned":
            env["GLIBC_TUNABLES"] = MALLOC_TUNED
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=20, help="timed training steps per case")
    parser.add_argument(
        "--quick", action="store_true", help="2 steps each, PyTorch at one setting; no results"
    )
    parser.add_argument("--case", help=argparse.SUPPRESS)  # internal: run one case, print JSON
    args = parser.parse_args()
    if args.case:
        case = json.loads(args.case)
        result = jax_case(case) if case["framework"] == "textnn" else torch_case(case)
        print(json.dumps(result))
        return
    rows = []
    for case in cases(2 if args.quick else args.steps, args.quick):
        out = subprocess.run(
            [sys.executable, __file__, "--case", json.dumps(case)],
            capture_output=True,
            text=True,
            env=case_environment(case),
        )
        if out.returncode:
            raise SystemExit(f"case {case} failed:\n{out.stderr[-3000:]}")
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        shown = {k: rows[-1][k] for k in ("framework", "task", "model", "mode")}
        print(f"{shown} {rows[-1]['examples_per_s']:.0f} ex/s", flush=True)
    if args.quick:
        print("quick run: nothing written")
        return
    results = {"batch": BATCH, "length": LENGTH, "malloc_tuned": MALLOC_TUNED, "rows": rows}
    path = common.write("speed", results)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
